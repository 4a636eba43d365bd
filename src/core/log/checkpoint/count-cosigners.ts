/**
 * How many organisations' witnesses validly cosigned a checkpoint (docs/design.md §8, the witness
 * quorum; C2SP tlog-cosignature). A client acts on a directory change only under a
 * checkpoint that at least k of the network's witnesses cosigned: a server that forks one
 * client's view cannot gather them, since each honest witness cosigns one history only.
 * Witnesses count by organisation (the key name `valise.<network>/witness/<ORG>/<device>`
 * without its device), so one organisation's several registry devices are one voice.
 * Lines from unknown keys are ignored (a note may carry any signatures); a known witness's
 * line that fails does not count. Never throws.
 */
import type { NoteVerifier } from './note-verifier.ts';
import { verifyCosignature } from './verify-cosignature.ts';

export async function countCosigners(note: string, witnesses: readonly NoteVerifier[]): Promise<number> {
  const orgs = new Set<string>();
  for (const witness of witnesses) {
    const org = witness.name.slice(0, witness.name.lastIndexOf('/'));
    if (orgs.has(org) || !note.includes(`\u2014 ${witness.name} `)) continue;
    if ((await verifyCosignature(note, witness)).ok) orgs.add(org);
  }
  return orgs.size;
}
