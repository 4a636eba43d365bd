/**
 * Generates the frozen cable vectors in test/vectors/cables.json, once. A format change is
 * a new version (new labels, a new suite id, a new file), never an edit of these vectors, so
 * the script refuses to overwrite the file unless given --force for a brand-new version.
 *
 *   npm run vectors            (writes test/vectors/cables.json if it is absent)
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cableHash } from '../src/core/cable/cable-header.ts';
import { sealAttachment } from '../src/core/cable/seal-attachment.ts';
import type { CableDraft, ContentDraft } from '../src/core/cable/seal-cable.ts';
import { resignCable, sealCable } from '../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../src/core/cable/sealed-cable.ts';
import { encodeSealedCable, forDevice } from '../src/core/cable/sealed-cable.ts';
import type { XWingPrivateKey } from '../src/core/crypto/hpke/x-wing.ts';
import { XWing } from '../src/core/crypto/hpke/x-wing.ts';
import { concatBytes, toBase64url } from '../src/core/encoding/bytes.ts';
import { toJsonValue } from '../src/core/encoding/to-json.ts';
import type { Revocation, UserCertificate } from '../src/core/identity/certificate.ts';
import { issueCertificate } from '../src/core/identity/issue-certificate.ts';
import { realKemKey } from '../test/core/fixtures/cable-network.ts';
import type { CableVector } from '../test/core/fixtures/check-cable-vectors.ts';
import type { FixtureDevice, FixtureNetwork, UserSpec } from '../test/core/fixtures/network.ts';
import { buildNetwork, T0 } from '../test/core/fixtures/network.ts';

const OUT = join(import.meta.dirname, '..', 'test', 'vectors', 'cables.json');
if (existsSync(OUT) && !process.argv.includes('--force')) {
  console.error(`${OUT} exists and is frozen; a format change is a new version, not an edit`);
  process.exit(1);
}

const DRAFT: CableDraft = {
  classification: 'RESTREINT UE',
  precedence: 'IMMEDIATE',
  distribution: [],
  sentAt: T0,
};
const CONTENT: ContentDraft = {
  subject: 'Silence procedure: statement on the elections',
  tags: ['CFSP', 'ELECTIONS'],
  body: "The Presidency proposes the attached statement. Silence procedure until 1200Z.\nÉtats membres: pas d'objection.",
};

async function network(
  users: UserSpec[],
  accreditation: 'SECRET UE' | 'RESTREINT UE' = 'SECRET UE',
): Promise<FixtureNetwork> {
  const orgs = [...new Set(users.map((u) => u.org))].map((org) => ({ org }));
  return buildNetwork({ orgs, users, accreditation }, realKemKey);
}

async function seed(d: FixtureDevice): Promise<string> {
  return toBase64url(await XWing.exportPrivateKey(d.kem.privateKey as XWingPrivateKey));
}

function rootJson(net: FixtureNetwork) {
  return { network: net.root.network, key: toBase64url(net.root.key), accreditation: net.root.accreditation };
}

async function vector(
  name: string,
  net: FixtureNetwork,
  cable: SealedCable,
  reader: FixtureDevice,
  expect: CableVector['expect'],
  extra: Partial<CableVector> = {},
  entries = net.entries,
): Promise<CableVector> {
  return {
    name,
    root: rootJson(net),
    entries: toJsonValue(entries),
    cable: encodeSealedCable(forDevice(cable, reader.id)),
    reader: { device: reader.id, xwingSeed: await seed(reader) },
    expect,
    ...extra,
  };
}

const seal = (
  net: FixtureNetwork,
  sender: FixtureDevice,
  draft: Partial<CableDraft>,
  content: ContentDraft = CONTENT,
  directory?: Awaited<ReturnType<FixtureNetwork['directory']>>,
) =>
  (async () =>
    sealCable({
      draft: { ...DRAFT, ...draft },
      content,
      sender: { user: sender.user, device: sender.id, signer: sender.signer },
      directory: directory ?? (await net.directory()),
      series: { serial: 1 },
    }))();

const vectors: CableVector[] = [];
const contentOf = (c: ContentDraft, attachments: unknown[] = []) => ({
  subject: c.subject,
  tags: c.tags ?? [],
  body: c.body,
  attachments,
});

// --- 1, 3 and 30 devices -------------------------------------------------------------------
{
  const net = await network([{ user: 'de.solo', org: 'DE', clearance: 'RESTREINT UE' }]);
  const solo = net.devicesOf('de.solo')[0]!;
  const cable = await seal(net, solo, { distribution: [{ org: 'DE', role: 'info' }] });
  if (cable.wraps.length !== 1) throw new Error('expected 1 device');
  vectors.push(await vector('1 device: a note to file', net, cable, solo, { content: contentOf(CONTENT) }));
}
const three = await network([
  { user: 'de.anna', org: 'DE', clearance: 'RESTREINT UE' },
  { user: 'de.registry', org: 'DE', clearance: 'SECRET UE', role: 'registry' },
  { user: 'fr.bruno', org: 'FR', clearance: 'CONFIDENTIEL UE', groups: ['COEST'] },
  { user: 'fr.claire', org: 'FR', clearance: 'UNCLASSIFIED', groups: ['COEST'] },
]);
const anna = three.devicesOf('de.anna')[0]!;
const bruno = three.devicesOf('fr.bruno')[0]!;
const claire = three.devicesOf('fr.claire')[0]!;
const toFr: Partial<CableDraft> = { distribution: [{ org: 'FR', role: 'action' }], groups: ['COEST'] };
const base = await seal(three, anna, toFr);
if (base.wraps.length !== 3) throw new Error('expected 3 devices');
vectors.push(
  await vector('3 devices: RESTREINT UE to FR, COEST', three, base, bruno, { content: contentOf(CONTENT) }),
);
{
  const users: UserSpec[] = [
    { user: 'de.anna', org: 'DE', clearance: 'RESTREINT UE' },
    { user: 'de.registry', org: 'DE', clearance: 'RESTREINT UE', role: 'registry' },
  ];
  for (let i = 0; i < 28; i++) users.push({ user: `fr.member${i}`, org: 'FR', clearance: 'RESTREINT UE' });
  const net = await network(users);
  const cable = await seal(net, net.devicesOf('de.anna')[0]!, {
    distribution: [{ org: 'FR', role: 'info' }],
  });
  if (cable.wraps.length !== 30) throw new Error('expected 30 devices');
  vectors.push(
    await vector('30 devices: RESTREINT UE to FR', net, cable, net.devicesOf('fr.member17')[0]!, {
      content: contentOf(CONTENT),
    }),
  );
}

// --- with an attachment --------------------------------------------------------------------
{
  const plaintext = new Uint8Array(3000).map((_, i) => (i * 31) % 251);
  const sealing = sealAttachment(
    { name: 'statement.txt', type: 'text/plain', data: plaintext },
    { chunkSize: 1024 },
  );
  const parts: Uint8Array[] = [];
  for await (const c of sealing.chunks) parts.push(c);
  const descriptor = await sealing.descriptor;
  const ciphertext = concatBytes(...parts);
  const content = { ...CONTENT, attachments: [descriptor] };
  const cable = await seal(three, anna, toFr, content);
  const att = [{ ciphertext: toBase64url(ciphertext), plaintext: toBase64url(plaintext) }];
  vectors.push(
    await vector(
      '3 devices with an attachment',
      three,
      cable,
      bruno,
      { content: toJsonValue(contentOf(CONTENT, [descriptor])) },
      { attachments: att },
    ),
  );
  const flipped = ciphertext.slice();
  flipped[2000]! ^= 4;
  vectors.push(
    await vector(
      'error ATTACHMENT_INVALID: a flipped attachment byte',
      three,
      cable,
      bruno,
      { error: 'ATTACHMENT_INVALID' },
      {
        attachments: [{ ciphertext: toBase64url(flipped), plaintext: toBase64url(plaintext) }],
      },
    ),
  );
}

// --- one per error code ----------------------------------------------------------------------
const err = (code: string) => ({ error: code });
const flip = (b: Uint8Array, at = 5) => {
  const c = b.slice();
  c[at]! ^= 1;
  return c;
};
{
  const json = encodeSealedCable(forDevice(base, bruno.id)) as Record<string, unknown>;
  vectors.push({
    ...(await vector('error MALFORMED: an unknown field', three, base, bruno, err('MALFORMED'))),
    cable: { ...json, extra: 1 },
  });
  const header = { ...(json.header as Record<string, unknown>), suite: 'valise-v9/unknown' };
  vectors.push({
    ...(await vector('error UNSUPPORTED_SUITE', three, base, bruno, err('UNSUPPORTED_SUITE'))),
    cable: { ...json, header },
  });
}
{
  const capped = await network([
    { user: 'de.anna', org: 'DE', clearance: 'SECRET UE' },
    { user: 'fr.bruno', org: 'FR', clearance: 'SECRET UE' },
  ]);
  const wide = await seal(capped, capped.devicesOf('de.anna')[0]!, {
    classification: 'SECRET UE',
    distribution: [{ org: 'FR', role: 'info' }],
  });
  const v = await vector(
    'error CLASSIFICATION_REFUSED: SECRET UE on a RESTREINT UE network',
    capped,
    wide,
    capped.devicesOf('fr.bruno')[0]!,
    err('CLASSIFICATION_REFUSED'),
  );
  vectors.push({ ...v, root: { ...v.root!, accreditation: 'RESTREINT UE' } });
}
{
  const withoutSender = three.entries.filter((e) => !(e.body.kind === 'device' && e.body.device === anna.id));
  vectors.push(
    await vector(
      'error UNKNOWN_DEVICE: the sender is not in the directory',
      three,
      base,
      bruno,
      err('UNKNOWN_DEVICE'),
      {},
      withoutSender,
    ),
  );
}
const deSigner = three.orgSigners.get('DE')!;
{
  const rev: Revocation = {
    v: 1,
    kind: 'revocation',
    org: 'DE',
    subject: 'device',
    id: anna.id,
    reason: 'phished',
    issuedAt: T0,
  };
  const entries = [...three.entries, await issueCertificate(rev, deSigner)];
  const late = await resignCable(
    { ...base, header: { ...base.header, epoch: entries.length } },
    { serial: 1 },
    anna.signer,
  );
  vectors.push(
    await vector(
      'error DEVICE_REVOKED: sent after the sender was revoked',
      three,
      late,
      bruno,
      err('DEVICE_REVOKED'),
      {},
      entries,
    ),
  );
}
{
  const entries = three.entries.map((e) =>
    e.body.kind === 'device' && e.body.device === anna.id ? { ...e, signature: flip(e.signature) } : e,
  );
  vectors.push(
    await vector(
      'error CERTIFICATE_INVALID: the sender certificate is not signed by its org',
      three,
      base,
      bruno,
      err('CERTIFICATE_INVALID'),
      {},
      entries,
    ),
  );
}
{
  const annaUser = three.entries.find((e) => e.body.kind === 'user' && e.body.user === 'de.anna')!
    .body as UserCertificate;
  const lowered = await issueCertificate({ ...annaUser, clearance: 'UNCLASSIFIED' }, deSigner);
  const entries = [...three.entries, lowered];
  const claimed = await resignCable(
    { ...base, header: { ...base.header, epoch: entries.length } },
    { serial: 1 },
    anna.signer,
  );
  vectors.push(
    await vector(
      "error SENDER_NOT_CLEARED: the sender's clearance was lowered",
      three,
      claimed,
      bruno,
      err('SENDER_NOT_CLEARED'),
      {},
      entries,
    ),
  );
}
vectors.push(
  await vector(
    'error SIGNATURE_INVALID: one signature bit flipped',
    three,
    { ...base, signature: flip(base.signature) },
    bruno,
    err('SIGNATURE_INVALID'),
  ),
);
vectors.push(
  await vector(
    'error CIPHERTEXT_MISMATCH: one content bit flipped',
    three,
    { ...base, content: flip(base.content) },
    bruno,
    err('CIPHERTEXT_MISMATCH'),
  ),
);
{
  const header = { ...base.header, recipients: [...base.header.recipients, claire.id].sort() };
  const forged = await resignCable({ ...base, header }, { serial: 1 }, anna.signer);
  vectors.push(
    await vector(
      'error WRAPPED_SET_MISMATCH: an uncleared device added by the sender',
      three,
      forged,
      bruno,
      err('WRAPPED_SET_MISMATCH'),
    ),
  );
}
vectors.push({
  ...(await vector(
    'error NOT_A_RECIPIENT: an uncleared reader in the group',
    three,
    base,
    claire,
    err('NOT_A_RECIPIENT'),
  )),
});
{
  const wraps = base.wraps.map((w) => (w.device === bruno.id ? { ...w, key: flip(w.key) } : w));
  vectors.push(
    await vector(
      "error WRAP_INVALID: the reader's wrap altered",
      three,
      { ...base, wraps },
      bruno,
      err('WRAP_INVALID'),
    ),
  );
}
{
  const other = await seal(three, anna, toFr, { ...CONTENT, body: 'another text' });
  const header = {
    ...base.header,
    contentHash: other.header.contentHash,
    contentLength: other.header.contentLength,
  };
  const swapped = await resignCable({ ...base, header, content: other.content }, { serial: 1 }, anna.signer);
  vectors.push(
    await vector(
      'error DECRYPT_FAILED: signed content under another key',
      three,
      swapped,
      bruno,
      err('DECRYPT_FAILED'),
    ),
  );
}
{
  const first = cableHash(base.header, base.signature);
  const second = await resignCable(base, { serial: 2, prev: new Uint8Array(32).fill(7) }, anna.signer);
  vectors.push(
    await vector(
      'error SERIES_GAP: the cable does not follow the last one seen',
      three,
      second,
      bruno,
      err('SERIES_GAP'),
      {
        expectedPrev: toBase64url(first),
      },
    ),
  );
}
vectors.push({
  name: 'error TOO_LARGE: an attachment over the limit',
  sealAttachment: { size: 5000, maxSize: 4096 },
  expect: err('TOO_LARGE'),
});

// Check every vector against the code that made it before freezing.
const { checkCableVectors } = await import('../test/core/fixtures/check-cable-vectors.ts');
const bad = (await checkCableVectors(vectors)).filter((r) => r.problem);
if (bad.length) {
  console.error(bad);
  process.exit(1);
}
writeFileSync(
  OUT,
  `${JSON.stringify({ description: 'Valise cable format v1 (suite valise-v1/x-wing/hkdf-sha256/aes-256-gcm). Frozen: never edit; a format change is a new file.', generatedBy: 'scripts/make-vectors.ts', vectors }, null, 1)}\n`,
);
console.log(`wrote ${vectors.length} vectors to ${OUT}`);
