/**
 * Generates the frozen vectors of cable format 3 in test/vectors/cables-v3.json, once.
 * Format 3 is format 2 (whose envelope hash leaves the directory epoch out, label
 * `valise/v2/envelope`) plus the header field `silence` (the silence-procedure act a cable
 * is); `v` is in every signed and hashed value. A header without `silence` is still sealed as
 * format 2. The vectors of formats 1 and 2 (cables.json, cables-v2.json) stay as they are and
 * must keep opening. The script refuses to overwrite the file.
 *
 *   node --import tsx scripts/make-vectors-v3.ts
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReference } from '../src/core/cable/reference.ts';
import type { CableDraft, ContentDraft } from '../src/core/cable/seal-cable.ts';
import { sealCable } from '../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../src/core/cable/sealed-cable.ts';
import { encodeSealedCable, forDevice } from '../src/core/cable/sealed-cable.ts';
import type { XWingPrivateKey } from '../src/core/crypto/hpke/x-wing.ts';
import { XWing } from '../src/core/crypto/hpke/x-wing.ts';
import { toBase64url } from '../src/core/encoding/bytes.ts';
import { yearOf } from '../src/core/encoding/date-time-group.ts';
import { toJsonValue } from '../src/core/encoding/to-json.ts';
import { realKemKey } from '../test/core/fixtures/cable-network.ts';
import type { CableVector } from '../test/core/fixtures/check-cable-vectors.ts';
import type { FixtureDevice, FixtureNetwork } from '../test/core/fixtures/network.ts';
import { buildNetwork, T0 } from '../test/core/fixtures/network.ts';

const OUT = join(import.meta.dirname, '..', 'test', 'vectors', 'cables-v3.json');
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
): Promise<SealedCable> {
  return sealCable({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'IMMEDIATE',
      distribution: [],
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

const TEXT: ContentDraft = {
  subject: 'Silence procedure: declaration on the elections',
  tags: ['CFSP'],
  body: 'The Presidency circulates the attached declaration under the silence procedure.',
};
const opening = await seal(
  presidency,
  {
    distribution: [
      { org: 'FR', role: 'action' },
      { org: 'PL', role: 'action' },
    ],
    silence: 'open',
    silenceDeadline: T0 + 48 * 3600,
  },
  TEXT,
  1,
);
const reference = formatReference({ org: 'IE', serial: 1, year: yearOf(T0) });
const REASON: ContentDraft = {
  subject: 'Silence broken',
  body: 'France cannot accept the second paragraph.',
};
const objection = await seal(
  claire,
  {
    distribution: [
      { org: 'IE', role: 'action' },
      { org: 'PL', role: 'info' },
    ],
    replyTo: reference,
    silence: 'object',
  },
  REASON,
  1,
);
const EXTENSION: ContentDraft = { subject: 'Extension', body: 'The deadline is extended by 24 hours.' };
const extension = await seal(
  presidency,
  {
    distribution: [
      { org: 'FR', role: 'action' },
      { org: 'PL', role: 'action' },
    ],
    replyTo: reference,
    silence: 'extend',
    silenceDeadline: T0 + 72 * 3600,
  },
  EXTENSION,
  2,
);

const vectors: CableVector[] = [
  await vector('silence open: the Presidency to FR and PL with a deadline', opening, jan, {
    content: contentOf(TEXT),
  }),
  await vector('silence object: FR breaks silence, replying to the opening', objection, jan, {
    content: contentOf(REASON),
  }),
  await vector('silence extend: a new, later deadline', extension, claire, { content: contentOf(EXTENSION) }),
];
const edited = async (
  name: string,
  cable: SealedCable,
  edit: (h: Record<string, unknown>) => void,
  code: string,
) => {
  const v = await vector(name, cable, jan, { error: code });
  const json = v.cable as Record<string, unknown>;
  const header = { ...(json.header as Record<string, unknown>) };
  edit(header);
  return { ...v, cable: { ...json, header } };
};
vectors.push(
  await edited(
    'error MALFORMED: a silence act in a version-1 header',
    objection,
    (h) => {
      h.v = 1;
    },
    'MALFORMED',
  ),
  await edited(
    'error MALFORMED: a silence act in a version-2 header',
    objection,
    (h) => {
      h.v = 2;
    },
    'MALFORMED',
  ),
  await edited(
    'error MALFORMED: an objection that replies to nothing',
    objection,
    (h) => {
      delete h.replyTo;
    },
    'MALFORMED',
  ),
  await edited(
    'error MALFORMED: a withdrawal carrying a deadline',
    extension,
    (h) => {
      h.silence = 'withdraw';
    },
    'MALFORMED',
  ),
  await edited(
    'error UNSUPPORTED_SUITE: format version 4',
    objection,
    (h) => {
      h.v = 4;
    },
    'UNSUPPORTED_SUITE',
  ),
  await edited(
    'error SIGNATURE_INVALID: the act is signed (object read as withdraw)',
    objection,
    (h) => {
      h.silence = 'withdraw';
    },
    'SIGNATURE_INVALID',
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
  `${JSON.stringify({ description: 'Valise cable format v3: format v2 (envelope hash without the epoch) plus the header field silence (suite valise-v1/x-wing/hkdf-sha256/aes-256-gcm). Frozen: never edit; a format change is a new file.', generatedBy: 'scripts/make-vectors-v3.ts', vectors }, null, 1)}\n`,
);
console.log(`wrote ${vectors.length} vectors to ${OUT}`);
