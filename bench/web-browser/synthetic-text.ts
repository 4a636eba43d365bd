/** Cable-like text for benchmarks: varied subjects and bodies from a fixed vocabulary. */
const TOPICS = [
  'sanctions package',
  'Ukraine grain exports',
  'Eastern Partnership ministerial',
  'Belarus human rights',
  'Georgia visa liberalisation',
  'Moldova energy security',
  'ceasefire monitoring mission',
  'humanitarian corridor',
  'cyber attack attribution',
  'COEST working party',
  'UN General Assembly resolution',
  'Sahel security strategy',
  'Western Balkans enlargement',
  'migration partnership',
  'election observation',
];
const WORDS =
  'presidency delegation council member states conclusions draft text position paper agenda meeting minister ambassador embassy capital consultation instructions reply deadline annex proposal amendment compromise silence procedure coreper political security committee statement declaration démarche unanimity veto implementation assessment report briefing confidential restricted situation developments'.split(
    ' ',
  );

export function syntheticCable(i: number): { subject: string; body: string } {
  const topic = TOPICS[i % TOPICS.length]!;
  const words: string[] = [];
  let x = (i * 2654435761) >>> 0;
  for (let w = 0; w < 150; w++) {
    x = (x * 1103515245 + 12345) >>> 0;
    words.push(WORDS[x % WORDS.length]!);
  }
  return { subject: `${topic}: ${WORDS[i % WORDS.length]} ${i}`, body: `${topic}. ${words.join(' ')}.` };
}
