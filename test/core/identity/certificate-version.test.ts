/**
 * Certificate versions and issuers (docs/design.md §5): a later certificate of a subject must carry
 * a higher version and an issuedAt no earlier than the one in force, so an old certificate
 * re-posted cannot undo a downgrade, a rename or a key rotation; and each role has its
 * issuer (`network-authority` only under the root's signature, the other roles under the
 * org key; a device of a network-authority user only under the root too).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';
import type {
  DeviceCertificate,
  OrgCertificate,
  Revocation,
  SignedEntry,
  UserCertificate,
} from '../../../src/core/identity/certificate.ts';
import { decodeSignedEntry, versionOf } from '../../../src/core/identity/certificate.ts';
import { openDirectory } from '../../../src/core/identity/directory.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { buildNetwork, T0 } from '../fixtures/network.ts';

const spec = {
  orgs: [{ org: 'DE' }, { org: 'CY', accreditation: 'RESTREINT UE' as const }],
  users: [
    { user: 'de.anna', org: 'DE', role: 'security-officer' as const },
    { user: 'de.ben', org: 'DE' },
  ],
};

function orgBody(net: { entries: readonly SignedEntry[] }, org: string): OrgCertificate {
  return net.entries.find((e) => e.body.kind === 'org' && e.body.org === org)!.body as OrgCertificate;
}
function userBody(net: { entries: readonly SignedEntry[] }, user: string): UserCertificate {
  return net.entries.find((e) => e.body.kind === 'user' && e.body.user === user)!.body as UserCertificate;
}

describe('certificate versions', () => {
  test('a certificate without a version is version 1, and version 1 is written by leaving it out', () => {
    const body = {
      v: 1,
      kind: 'org',
      network: 'test.valise',
      org: 'DE',
      name: 'Ministry DE',
      accreditation: 'SECRET UE',
      key: new Uint8Array(32).fill(1),
      issuedAt: T0,
    } as const;
    const entry = { body, signature: new Uint8Array(64) };
    assert.equal(versionOf(decodeSignedEntry(toJsonValue(entry), 'entry').body as OrgCertificate), 1);
    const two = decodeSignedEntry(toJsonValue({ ...entry, body: { ...body, version: 2 } }), 'entry');
    assert.equal(versionOf(two.body as OrgCertificate), 2);
    // One certificate, one encoding: an explicit version 1 (or 0) is refused.
    for (const version of [1, 0, -1, 1.5, '2']) {
      assert.throws(
        () => decodeSignedEntry(toJsonValue({ ...entry, body: { ...body, version } }), 'entry'),
        EncodingError,
        `version ${String(version)}`,
      );
    }
  });

  test('an older organisation certificate re-posted after a downgrade is refused; the downgrade stands', async () => {
    const net = await buildNetwork(spec);
    const old = net.entries.find((e) => e.body.kind === 'org' && e.body.org === 'DE')!;
    const downgrade = await issueCertificate(
      { ...orgBody(net, 'DE'), accreditation: 'RESTREINT UE' as const, version: 2, issuedAt: T0 },
      net.rootSigner,
    );
    const dir = await openDirectory(net.root, [...net.entries, downgrade, old]);
    assert.equal(dir.rejected.get(net.entries.length + 1), 'VERSION_NOT_NEWER');
    assert.equal(dir.org('DE')?.accreditation, 'RESTREINT UE');
  });

  test('a new version with an issuedAt before the one in force is refused', async () => {
    const net = await buildNetwork(spec);
    const current = orgBody(net, 'CY');
    const backdated = await issueCertificate(
      { ...current, name: 'Renamed', version: 2, issuedAt: current.issuedAt - 1 },
      net.rootSigner,
    );
    const dir = await openDirectory(net.root, [...net.entries, backdated]);
    assert.equal(dir.rejected.get(net.entries.length), 'ISSUED_BEFORE_CURRENT');
    assert.equal(dir.org('CY')?.name, current.name);
  });

  test('a key rotation cannot be undone by the old certificate or an equal version', async () => {
    const net = await buildNetwork(spec);
    const original = net.entries.find((e) => e.body.kind === 'org' && e.body.org === 'DE')!;
    const fresh = await generateSigner();
    const rotated = await issueCertificate(
      { ...orgBody(net, 'DE'), key: fresh.publicKey, version: 2, issuedAt: T0 },
      net.rootSigner,
    );
    const sameVersion = await issueCertificate(
      { ...orgBody(net, 'DE'), version: 2, issuedAt: T0 + 1 },
      net.rootSigner,
    );
    const dir = await openDirectory(net.root, [...net.entries, rotated, original, sameVersion]);
    assert.equal(dir.rejected.get(net.entries.length + 1), 'VERSION_NOT_NEWER');
    assert.equal(dir.rejected.get(net.entries.length + 2), 'VERSION_NOT_NEWER');
    assert.deepEqual(dir.org('DE')?.key, fresh.publicKey);
  });

  test('a user certificate re-issued at an equal version (a role or clearance rollback) is refused', async () => {
    const net = await buildNetwork(spec);
    const ben = userBody(net, 'de.ben');
    const de = net.orgSigners.get('DE')!;
    const raised = await issueCertificate({ ...ben, clearance: 'SECRET UE' as const, version: 2 }, de);
    const lowered = await issueCertificate({ ...ben, clearance: 'UNCLASSIFIED' as const, version: 3 }, de);
    const replayed = net.entries.find((e) => e.body.kind === 'user' && e.body.user === 'de.ben')!;
    const dir = await openDirectory(net.root, [...net.entries, raised, lowered, raised, replayed]);
    const n = net.entries.length;
    assert.equal(dir.rejected.get(n + 2), 'VERSION_NOT_NEWER');
    assert.equal(dir.rejected.get(n + 3), 'VERSION_NOT_NEWER');
    assert.equal(dir.user('de.ben')?.clearance, 'UNCLASSIFIED');
  });

  test('between version-less certificates the later one supersedes, but a re-post or a backdated one is refused', async () => {
    const net = await buildNetwork(spec);
    const ben = userBody(net, 'de.ben');
    const de = net.orgSigners.get('DE')!;
    const original = net.entries.find((e) => e.body.kind === 'user' && e.body.user === 'de.ben')!;
    // Format 1 without versions, as the frozen vectors have it: a re-issue at the same issuedAt.
    const lowered = await issueCertificate({ ...ben, clearance: 'UNCLASSIFIED' as const }, de);
    const backdated = await issueCertificate(
      { ...ben, clearance: 'SECRET UE' as const, issuedAt: ben.issuedAt - 1 },
      de,
    );
    const dir = await openDirectory(net.root, [...net.entries, lowered, original, backdated]);
    const n = net.entries.length;
    assert.equal(dir.rejected.get(n), undefined);
    assert.equal(dir.rejected.get(n + 1), 'VERSION_NOT_NEWER');
    assert.equal(dir.rejected.get(n + 2), 'ISSUED_BEFORE_CURRENT');
    assert.equal(dir.user('de.ben')?.clearance, 'UNCLASSIFIED');
  });

  test('a second certificate for a device id is refused whatever its version', async () => {
    const net = await buildNetwork(spec);
    const device = net.devicesOf('de.ben')[0]!;
    const de = net.orgSigners.get('DE')!;
    const again = await issueCertificate(device.cert, de);
    const higher = await issueCertificate(
      { ...device.cert, label: 'renamed', version: 2 } as DeviceCertificate,
      de,
    );
    const dir = await openDirectory(net.root, [...net.entries, again, higher]);
    assert.equal(dir.rejected.get(net.entries.length), 'DUPLICATE_DEVICE');
    assert.equal(dir.rejected.get(net.entries.length + 1), 'DUPLICATE_DEVICE');
    assert.equal(dir.device(device.id)?.device.label, device.cert.label);
  });
});

describe('who may grant which role', () => {
  const authority = (org: string, user: string, version?: number): UserCertificate => ({
    v: 1,
    kind: 'user',
    org,
    user,
    name: user,
    clearance: 'RESTREINT UE',
    role: 'network-authority',
    groups: [],
    issuedAt: T0,
    ...(version === undefined ? {} : { version }),
  });

  test("a network-authority user signed by an organisation's key is refused", async () => {
    const net = await buildNetwork(spec);
    const made = await issueCertificate(authority('DE', 'de.mallory'), net.orgSigners.get('DE')!);
    const promoted = await issueCertificate(
      { ...userBody(net, 'de.ben'), role: 'network-authority' as const, version: 2, issuedAt: T0 },
      net.orgSigners.get('DE')!,
    );
    const dir = await openDirectory(net.root, [...net.entries, made, promoted]);
    assert.equal(dir.rejected.get(net.entries.length), 'ROLE_NOT_GRANTABLE');
    assert.equal(dir.rejected.get(net.entries.length + 1), 'ROLE_NOT_GRANTABLE');
    assert.equal(dir.user('de.mallory'), undefined);
    assert.equal(dir.user('de.ben')?.role, 'member');
  });

  test('a network-authority user signed by the root is accepted; other roles under the root are not', async () => {
    const net = await buildNetwork(spec);
    const na = await issueCertificate(authority('DE', 'de.authority'), net.rootSigner);
    const member = await issueCertificate(
      { ...authority('DE', 'de.member'), role: 'member' as const },
      net.rootSigner,
    );
    const dir = await openDirectory(net.root, [...net.entries, na, member]);
    assert.equal(dir.rejected.get(net.entries.length), undefined);
    assert.equal(dir.user('de.authority')?.role, 'network-authority');
    assert.equal(dir.rejected.get(net.entries.length + 1), 'ROLE_NOT_GRANTABLE');
  });

  test('what the root granted only the root changes: an org cannot demote, re-key or revoke a network authority', async () => {
    const net = await buildNetwork(spec);
    const de = net.orgSigners.get('DE')!;
    const na = await issueCertificate(authority('DE', 'de.authority'), net.rootSigner);
    const demoted = await issueCertificate(
      { ...authority('DE', 'de.authority', 2), role: 'member' as const },
      de,
    );
    const revoked: Revocation = {
      v: 1,
      kind: 'revocation',
      org: 'DE',
      subject: 'user',
      id: 'de.authority',
      reason: 'x',
      issuedAt: T0,
    };
    const dir = await openDirectory(net.root, [
      ...net.entries,
      na,
      demoted,
      await issueCertificate(revoked, de),
    ]);
    const n = net.entries.length;
    assert.equal(dir.rejected.get(n + 1), 'ROLE_NOT_GRANTABLE');
    assert.equal(dir.rejected.get(n + 2), 'ROLE_NOT_GRANTABLE');
    assert.equal(dir.user('de.authority')?.role, 'network-authority');
    const byRoot = await openDirectory(net.root, [
      ...net.entries,
      na,
      await issueCertificate(revoked, net.rootSigner),
    ]);
    assert.equal(byRoot.rejected.size, 0);
    assert.equal(byRoot.user('de.authority'), undefined);
  });

  test("a device is never above its user: a network authority's device needs the root's signature", async () => {
    const net = await buildNetwork(spec);
    const na = await issueCertificate(authority('DE', 'de.authority'), net.rootSigner);
    const template = net.devicesOf('de.ben')[0]!.cert;
    const cert = (device: string): DeviceCertificate => ({ ...template, user: 'de.authority', device });
    const byOrg = await issueCertificate(cert('AAAAAAAAAAAAAAAAAAAAAA'), net.orgSigners.get('DE')!);
    const byRoot = await issueCertificate(cert('BBBBBBBBBBBBBBBBBBBBBA'), net.rootSigner);
    const dir = await openDirectory(net.root, [...net.entries, na, byOrg, byRoot]);
    const n = net.entries.length;
    assert.equal(dir.rejected.get(n + 1), 'ROLE_NOT_GRANTABLE');
    assert.equal(dir.device('AAAAAAAAAAAAAAAAAAAAAA'), undefined);
    assert.equal(dir.device('BBBBBBBBBBBBBBBBBBBBBA')?.user.role, 'network-authority');
    // A member's device under the root's signature is refused likewise.
    const memberByRoot = await issueCertificate(
      { ...template, device: 'CCCCCCCCCCCCCCCCCCCCCA' },
      net.rootSigner,
    );
    const again = await openDirectory(net.root, [...net.entries, memberByRoot]);
    assert.equal(again.rejected.get(n), 'ROLE_NOT_GRANTABLE');
  });
});
