/**
 * Generates the frozen vectors of cable format 4 in test/vectors/cables-v4.json, once.
 * Format 4 is format 3 plus the sealed summary: the subject and tags, encrypted apart under
 * the content key (label `valise/v4/summary-key`) with the envelope hash as associated data,
 * and committed to by the header's `summaryHash`. Each opened vector gives the content and
 * what the reader's inbox listing (no body) opens to. The vectors of formats 1–3 stay as
 * they are and must keep opening. The script refuses to overwrite the file.
 *
 *   node --import tsx scripts/make-vectors-v4.ts
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envelopeHash, envelopeOf } from '../src/core/cable/cable-header.ts';
import { sealSummary } from '../src/core/cable/cable-summary.ts';
import type { CableDraft, ContentDraft } from '../src/core/cable/seal-cable.ts';
import { resignCable, sealCableKeepingKey } from '../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../src/core/cable/sealed-cable.ts';
import { encodeSealedCable, forDevice } from '../src/core/cable/sealed-cable.ts';
import type { XWingPrivateKey } from '../src/core/crypto/hpke/x-wing.ts';
import { XWing } from '../src/core/crypto/hpke/x-wing.ts';
import { sha256 } from '../src/core/crypto/sha256.ts';
import { toBase64url } from '../src/core/encoding/bytes.ts';
import { toJsonValue } from '../src/core/encoding/to-json.ts';
import { realKemKey } from '../test/core/fixtures/cable-network.ts';
import type { CableVector } from '../test/core/fixtures/check-cable-vectors.ts';
import type { FixtureDevice, FixtureNetwork } from '../test/core/fixtures/network.ts';
import { buildNetwork, T0 } from '../test/core/fixtures/network.ts';

const OUT = join(import.meta.dirname, '..', 'test', 'vectors', 'cables-v4.json');
if (existsSync(OUT)) {
  console.error(`${OUT} exists and is frozen; a format change is a new version, not an edit`);
  process.exit(1);
}

const net: FixtureNetwork = await buildNetwork(
  {
    orgs: [{ org: 'IE' }, { org: 'FR' }, { org: 'PL' }],
    users: [
      { user: 'ie.presidency', org: 'IE', clearance: 'RESTREINT UE', groups: ['COEST'] },
      { user: 'fr.claire', org: 'FR', clearance: 'RESTREINT UE', groups: ['COEST'] },
      { user: 'pl.jan', org: 'PL', clearance: 'RESTREINT UE', groups: ['COEST'] },
    ],
    accreditation: 'SECRET UE',
  },
  realKemKey,
);
const presidency = net.devicesOf('ie.presidency')[0]!;
const claire = net.devicesOf('fr.claire')[0]!;
const jan = net.devicesOf('pl.jan')[0]!;

async function seal(
  sender: FixtureDevice,
  draft: Partial<CableDraft>,
  content: ContentDraft,
  serial: number,
): Promise<{ cable: SealedCable; contentKey: Uint8Array }> {
  return sealCableKeepingKey({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'IMMEDIATE',
      distribution: [
        { org: 'FR', role: 'action' },
        { org: 'PL', role: 'info' },
      ],
      groups: ['COEST'],
      sentAt: T0,
      ...draft,
    },
    content,
    sender: { user: sender.user, device: sender.id, signer: sender.signer },
    directory: await net.directory(),
    series: { serial },
  });
}

async function vector(
  name: string,
  cable: SealedCable,
  reader: FixtureDevice,
  expect: CableVector['expect'],
) {
  return {
    name,
    root: {
      network: net.root.network,
      key: toBase64url(net.root.key),
      accreditation: net.root.accreditation,
    },
    entries: toJsonValue(net.entries),
    cable: encodeSealedCable(forDevice(cable, reader.id)),
    reader: {
      device: reader.id,
      xwingSeed: toBase64url(await XWing.exportPrivateKey(reader.kem.privateKey as XWingPrivateKey)),
    },
    expect,
  } satisfies CableVector;
}
const contentOf = (c: ContentDraft) => ({
  subject: c.subject,
  tags: c.tags ?? [],
  body: c.body,
  attachments: [],
});
const summaryOf = (c: ContentDraft) => ({ subject: c.subject, tags: c.tags ?? [] });

const INSTRUCTIONS: ContentDraft = {
  subject: 'Eastern partnership: instructions for the PSC',
  tags: ['COEST', 'PSC'],
  body: 'The Presidency proposes the attached conclusions for Tuesday.',
};
const instructions = await seal(presidency, {}, INSTRUCTIONS, 1);
const TEXT: ContentDraft = {
  subject: 'Procédure de silence : déclaration sur les élections',
  body: 'La Présidence fait circuler la déclaration ci-jointe.',
};
const opening = await seal(
  presidency,
  {
    classification: 'UNCLASSIFIED',
    markings: ['LIMITE'],
    distribution: [
      { org: 'FR', role: 'action' },
      { org: 'PL', role: 'action' },
    ],
    groups: [],
    silence: 'open',
    silenceDeadline: T0 + 48 * 3600,
  },
  TEXT,
  2,
);
const REPLY: ContentDraft = { subject: 'Re: instructions', tags: ['PSC'], body: 'France agrees.' };
const reply = await seal(claire, { distribution: [{ org: 'IE', role: 'action' }] }, REPLY, 1);

const vectors: CableVector[] = [
  await vector('format 4: instructions to FR and PL, listed and opened by PL', instructions.cable, jan, {
    content: contentOf(INSTRUCTIONS),
    summary: summaryOf(INSTRUCTIONS),
  }),
  await vector('format 4: a silence open act with a non-ASCII subject and no tags', opening.cable, claire, {
    content: contentOf(TEXT),
    summary: summaryOf(TEXT),
  }),
  await vector('format 4: a reply read by the sender organisation of the first', reply.cable, presidency, {
    content: contentOf(REPLY),
    summary: summaryOf(REPLY),
  }),
];

type Json = Record<string, unknown>;
const edited = async (name: string, cable: SealedCable, edit: (c: Json, h: Json) => void, code: string) => {
  const v = await vector(name, cable, jan, { error: code });
  const json = { ...(v.cable as Json) };
  const header = { ...(json.header as Json) };
  edit(json, header);
  return { ...v, cable: { ...json, header } };
};
const flipped = (b64: string): string => {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[5]! ^= 0x10;
  return bytes.toString('base64url');
};

// The sender lists one subject and writes another, and signs for it.
const { cable: honest, contentKey } = instructions;
const lie = await sealSummary(
  contentKey,
  { subject: 'Canteen menu', tags: [] },
  envelopeHash(envelopeOf(honest.header)),
);
const lying = await resignCable(
  { ...honest, summary: lie, header: { ...honest.header, summaryHash: sha256(lie) } },
  { serial: 1 },
  presidency.signer,
);
const otherSummary = toBase64url(reply.cable.summary!);

vectors.push(
  await edited(
    'error CIPHERTEXT_MISMATCH: a flipped bit in the summary',
    honest,
    (c) => {
      c.summary = flipped(c.summary as string);
    },
    'CIPHERTEXT_MISMATCH',
  ),
  await edited(
    "error CIPHERTEXT_MISMATCH: another cable's summary",
    honest,
    (c) => {
      c.summary = otherSummary;
    },
    'CIPHERTEXT_MISMATCH',
  ),
  await edited(
    'error CIPHERTEXT_MISMATCH: the summary left out',
    honest,
    (c) => {
      delete c.summary;
    },
    'CIPHERTEXT_MISMATCH',
  ),
  await vector('error SUMMARY_MISMATCH: the sender listed another subject than the body', lying, jan, {
    error: 'SUMMARY_MISMATCH',
  }),
  await edited(
    'error SIGNATURE_INVALID: the summary digest is signed',
    honest,
    (c, h) => {
      h.summaryHash = toBase64url(sha256(Buffer.from(c.summary as string, 'base64url').subarray(1)));
    },
    'SIGNATURE_INVALID',
  ),
  await edited(
    'error UNSUPPORTED_SUITE: a version-4 header without its summary digest',
    honest,
    (c, h) => {
      delete c.summary;
      delete h.summaryHash;
    },
    'UNSUPPORTED_SUITE',
  ),
  await edited(
    'error MALFORMED: a summary digest in a version-3 header',
    honest,
    (_c, h) => {
      h.v = 3;
    },
    'MALFORMED',
  ),
  await edited(
    'error UNSUPPORTED_SUITE: format version 5',
    honest,
    (_c, h) => {
      h.v = 5;
    },
    'UNSUPPORTED_SUITE',
  ),
);

const { checkCableVectors } = await import('../test/core/fixtures/check-cable-vectors.ts');
const bad = (await checkCableVectors(vectors)).filter((r) => r.problem);
if (bad.length) {
  console.error(bad);
  process.exit(1);
}
writeFileSync(
  OUT,
  `${JSON.stringify({ description: 'Valise cable format v4: format v3 plus the sealed summary (subject and tags under the content key, label valise/v4/summary-key, committed by the header field summaryHash); suite valise-v1/x-wing/hkdf-sha256/aes-256-gcm. Each opened vector also gives what the reader listing (header, signature, summary, its wrap) opens to. Frozen: never edit; a format change is a new file.', generatedBy: 'scripts/make-vectors-v4.ts', vectors }, null, 1)}\n`,
);
console.log(`wrote ${vectors.length} vectors to ${OUT}`);
