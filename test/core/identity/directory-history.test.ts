/**
 * Property (docs/design.md §5): any permutation, duplication or older version of a valid directory
 * history replays to the same state or is refused (an entry kept out, which the server and
 * every client treat as a refusal of the whole history) — never to a different accepted
 * state. The history has what can go wrong: organisation and user certificates with
 * several versions, a key rotation, a network authority under the root, devices and a
 * revocation; the pool of extras holds copies and superseded versions signed by the real
 * issuers (what an attacker can replay, not forge).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { encodeCanonical } from '../../../src/core/encoding/canonical-json.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';
import type {
  DeviceCertificate,
  OrgCertificate,
  SignedEntry,
  UserCertificate,
} from '../../../src/core/identity/certificate.ts';
import { type Directory, openDirectory } from '../../../src/core/identity/directory.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { buildNetwork, T0 } from '../fixtures/network.ts';

let history: SignedEntry[];
let extras: SignedEntry[];
let expected: string;
let root: Awaited<ReturnType<typeof buildNetwork>>['root'];

/** Everything a lookup at the latest epoch can see, as one canonical string. */
function stateOf(directory: Directory, entries: readonly SignedEntry[]): string {
  const ids = { orgs: new Set<string>(), users: new Set<string>(), devices: new Set<string>() };
  for (const { body } of entries) {
    if (body.kind === 'org') ids.orgs.add(body.org);
    if (body.kind === 'user') ids.users.add(body.user);
    if (body.kind === 'device') ids.devices.add(body.device);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return new TextDecoder().decode(
    encodeCanonical(
      toJsonValue({
        orgs: sorted(ids.orgs).map((id) => directory.org(id) ?? null),
        users: sorted(ids.users).map((id) => directory.user(id) ?? null),
        devices: sorted(ids.devices).map((id) => [
          directory.device(id)?.device ?? null,
          directory.deviceProblem(id) ?? 'valid',
        ]),
      }),
    ),
  );
}

before(async () => {
  const net = await buildNetwork({
    orgs: [{ org: 'DE' }, { org: 'FR' }],
    users: [
      { user: 'de.anna', org: 'DE', role: 'security-officer' },
      { user: 'de.ben', org: 'DE', devices: 2 },
      { user: 'fr.chloe', org: 'FR' },
    ],
  });
  root = net.root;
  const de = net.orgSigners.get('DE')!;
  const deCert = net.entries[0]!.body as OrgCertificate;
  const frCert = net.entries[1]!.body as OrgCertificate;
  const ben = net.entries.find((e) => e.body.kind === 'user' && e.body.user === 'de.ben')!
    .body as UserCertificate;
  const benDevice = net.devicesOf('de.ben')[1]!.cert as DeviceCertificate;

  // Later versions: DE downgraded then renamed, FR's key rotated, de.ben's clearance raised.
  const deV2 = await issueCertificate(
    { ...deCert, accreditation: 'RESTREINT UE' as const, version: 2, issuedAt: T0 },
    net.rootSigner,
  );
  const deV3 = await issueCertificate(
    {
      ...deCert,
      accreditation: 'RESTREINT UE' as const,
      name: 'Auswärtiges Amt',
      version: 3,
      issuedAt: T0 + 10,
    },
    net.rootSigner,
  );
  const frKey = await generateSigner();
  const frV2 = await issueCertificate(
    { ...frCert, key: frKey.publicKey, version: 2, issuedAt: T0 },
    net.rootSigner,
  );
  const benV2 = await issueCertificate(
    { ...ben, clearance: 'SECRET UE' as const, version: 2, issuedAt: T0 },
    de,
  );
  const authority = await issueCertificate(
    {
      v: 1,
      kind: 'user',
      org: 'DE',
      user: 'de.authority',
      name: 'Authority',
      clearance: 'SECRET UE',
      role: 'network-authority',
      groups: [],
      issuedAt: T0,
    } satisfies UserCertificate,
    net.rootSigner,
  );
  const revoked = await issueCertificate(
    {
      v: 1,
      kind: 'revocation',
      org: 'DE',
      subject: 'device',
      id: benDevice.device,
      reason: 'lost',
      issuedAt: T0,
    },
    de,
  );
  // A new FR user under the rotated key.
  const dora = await issueCertificate(
    {
      v: 1,
      kind: 'user',
      org: 'FR',
      user: 'fr.dora',
      name: 'Dora',
      clearance: 'RESTREINT UE',
      role: 'member',
      groups: [],
      issuedAt: T0,
    } satisfies UserCertificate,
    frKey,
  );
  history = [...net.entries, deV2, frV2, benV2, authority, revoked, deV3, dora];

  // What can be replayed: copies of any entry, and versions the history superseded,
  // including one that never was in this history (a DE certificate of version 2 for SECRET UE).
  const otherDeV2 = await issueCertificate(
    { ...deCert, name: 'Old name', version: 2, issuedAt: T0 + 5 },
    net.rootSigner,
  );
  const benOld = await issueCertificate(
    { ...ben, clearance: 'UNCLASSIFIED' as const, version: 2, issuedAt: T0 + 1 },
    de,
  );
  extras = [...history, otherDeV2, benOld];

  const directory = await openDirectory(root, history);
  assert.equal(directory.rejected.size, 0, 'the base history is valid');
  expected = stateOf(directory, history);
});

describe('replaying a changed directory history', () => {
  test('property: a permutation, duplication or older version replays to the same state or is refused', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 }),
        async (shuffle, swaps, inserts, adjacent) => {
          let entries = [...history];
          // Independent swaps of neighbours keep many cases acceptable; a full shuffle rarely is.
          if (shuffle) {
            for (const [i] of swaps.map((s) => [s % entries.length])) {
              const j = (i! + 1) % entries.length;
              [entries[i!], entries[j]] = [entries[j]!, entries[i!]!];
            }
          }
          for (const [from, to] of adjacent) {
            const i = from % entries.length;
            const [moved] = entries.splice(i, 1);
            entries.splice(to % (entries.length + 1), 0, moved!);
          }
          for (const [which, at] of inserts) {
            entries = [...entries];
            entries.splice(at % (entries.length + 1), 0, extras[which % extras.length]!);
          }
          const directory = await openDirectory(root, entries);
          if (directory.rejected.size > 0) {
            refused++;
            return;
          }
          accepted++;
          assert.equal(stateOf(directory, history), expected);
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes were exercised, so the property said something.
    assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
  });

  test('property: a full shuffle with copies of some entries replays to the same state or is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...history.keys()], { minLength: history.length }),
        fc.subarray([...extras.keys()], { maxLength: 4 }),
        async (order, copies) => {
          const entries = [...order.map((i) => history[i]!), ...copies.map((i) => extras[i]!)];
          const directory = await openDirectory(root, entries);
          if (directory.rejected.size === 0) assert.equal(stateOf(directory, history), expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
