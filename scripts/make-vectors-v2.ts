/**
 * Generates the frozen vectors of cable format 2 in test/vectors/cables-v2.json, once. Format
 * 2 differs from format 1 only in its envelope hash, which leaves the directory epoch out
 * (label `valise/v2/envelope`), so a cable refused for a stale epoch is re-wrapped and
 * re-signed (`rewrapCable`) instead of sealed again. Format 1's vectors (cables.json) stay
 * as they are; like them, these are never edited: the script refuses to overwrite.
 *
 *   node --import tsx scripts/make-vectors-v2.ts
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewrapCable } from '../src/core/cable/rewrap-cable.ts';
import type { CableDraft, ContentDraft } from '../src/core/cable/seal-cable.ts';
import { resignCable, sealCableKeepingKey } from '../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../src/core/cable/sealed-cable.ts';
import { encodeSealedCable, forDevice } from '../src/core/cable/sealed-cable.ts';
import type { XWingPrivateKey } from '../src/core/crypto/hpke/x-wing.ts';
import { XWing } from '../src/core/crypto/hpke/x-wing.ts';
import { toBase64url } from '../src/core/encoding/bytes.ts';
import { toJsonValue } from '../src/core/encoding/to-json.ts';
import type { Revocation, SignedEntry } from '../src/core/identity/certificate.ts';
import { openDirectory } from '../src/core/identity/directory.ts';
import { issueCertificate } from '../src/core/identity/issue-certificate.ts';
import { realKemKey } from '../test/core/fixtures/cable-network.ts';
import { type CableVector, checkCableVectors } from '../test/core/fixtures/check-cable-vectors.ts';
import type { FixtureDevice } from '../test/core/fixtures/network.ts';
import { buildNetwork, T0 } from '../test/core/fixtures/network.ts';

const OUT = join(import.meta.dirname, '..', 'test', 'vectors', 'cables-v2.json');
if (existsSync(OUT)) {
  console.error(`${OUT} exists and is frozen; a format change is a new version, not an edit`);
  process.exit(1);
}

const DRAFT: CableDraft = {
  classification: 'RESTREINT UE',
  precedence: 'PRIORITY',
  distribution: [{ org: 'FR', role: 'action' }],
  groups: ['COEST'],
  sentAt: T0,
};
const CONTENT: ContentDraft = {
  subject: 'Re-wrapped for the current directory',
  tags: ['FORMAT2'],
  body: 'Sealed once at one epoch; wrapped again at the next without encrypting again.',
};
const content = { subject: CONTENT.subject, tags: CONTENT.tags, body: CONTENT.body, attachments: [] };

// fr.late is last, so the directory without its two entries is the one anna sealed at.
const net = await buildNetwork(
  {
    orgs: [{ org: 'DE' }, { org: 'FR' }],
    users: [
      { user: 'de.anna', org: 'DE', clearance: 'RESTREINT UE', groups: ['COEST'] },
      { user: 'fr.bruno', org: 'FR', clearance: 'RESTREINT UE', groups: ['COEST'] },
      { user: 'fr.claire', org: 'FR', clearance: 'RESTREINT UE', groups: ['COEST'] },
      { user: 'fr.late', org: 'FR', clearance: 'RESTREINT UE', groups: ['COEST'] },
    ],
    accreditation: 'RESTREINT UE',
  },
  realKemKey,
);
const one = (user: string) => net.devicesOf(user)[0]!;
const anna = one('de.anna');
const bruno = one('fr.bruno');
const claire = one('fr.claire');
const late = one('fr.late');

const revocation: Revocation = {
  v: 1,
  kind: 'revocation',
  org: 'FR',
  subject: 'device',
  id: claire.id,
  reason: 'stolen',
  issuedAt: T0 - 10,
};
const sealedAt = net.entries.slice(0, -2);
const now: SignedEntry[] = [...net.entries, await issueCertificate(revocation, net.orgSigners.get('FR')!)];

const { cable: first, contentKey } = await sealCableKeepingKey({
  draft: DRAFT,
  content: CONTENT,
  sender: { user: anna.user, device: anna.id, signer: anna.signer },
  directory: await openDirectory(net.root, sealedAt),
  series: { serial: 1 },
});
const rewrapped = await rewrapCable({
  cable: first,
  contentKey,
  directory: await openDirectory(net.root, now),
  signer: anna.signer,
});
contentKey.fill(0);

const rootJson = {
  network: net.root.network,
  key: toBase64url(net.root.key),
  accreditation: net.root.accreditation,
};
async function vector(
  name: string,
  cable: SealedCable,
  entries: readonly SignedEntry[],
  reader: FixtureDevice,
  expect: CableVector['expect'],
): Promise<CableVector> {
  return {
    name,
    root: rootJson,
    entries: toJsonValue(entries),
    cable: encodeSealedCable(forDevice(cable, reader.id)),
    reader: {
      device: reader.id,
      xwingSeed: toBase64url(await XWing.exportPrivateKey(reader.kem.privateKey as XWingPrivateKey)),
    },
    expect,
  };
}

// Format 1 cannot move its epoch: the same cable relabelled v1 and signed again opens nowhere.
const relabelled = await resignCable(
  { ...rewrapped, header: { ...rewrapped.header, v: 1 } },
  { serial: 1 },
  anna.signer,
);

const vectors: CableVector[] = [
  await vector('format 2: sealed at its epoch, read by a recipient', first, sealedAt, bruno, { content }),
  await vector('format 2 re-wrapped: a kept wrap still opens', rewrapped, now, bruno, { content }),
  await vector('format 2 re-wrapped: a device enrolled since reads it', rewrapped, now, late, { content }),
  await vector(
    'error NOT_A_RECIPIENT: format 2 re-wrapped, the device revoked since',
    rewrapped,
    now,
    claire,
    {
      error: 'NOT_A_RECIPIENT',
    },
  ),
  await vector('error WRAP_INVALID: a format 2 cable relabelled format 1', relabelled, now, bruno, {
    error: 'WRAP_INVALID',
  }),
];
if (
  rewrapped.content.length !== first.content.length ||
  toBase64url(rewrapped.content) !== toBase64url(first.content)
) {
  throw new Error('re-wrapping changed the content');
}
const problems = (await checkCableVectors(vectors)).filter((r) => r.problem !== '');
if (problems.length > 0) throw new Error(`vectors do not check: ${JSON.stringify(problems)}`);
writeFileSync(
  OUT,
  `${JSON.stringify(
    {
      description:
        'Valise cable format v2 (suite valise-v1/x-wing/hkdf-sha256/aes-256-gcm; the envelope hash leaves the epoch out). Frozen: never edit; a format change is a new file.',
      generatedBy: 'scripts/make-vectors-v2.ts',
      vectors,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${vectors.length} vectors to ${OUT}`);
