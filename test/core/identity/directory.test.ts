import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import type {
  OrgCertificate,
  Revocation,
  SignedEntry,
  UserCertificate,
} from '../../../src/core/identity/certificate.ts';
import { extendDirectory, openDirectory } from '../../../src/core/identity/directory.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { buildNetwork, T0 } from '../fixtures/network.ts';

const spec = {
  orgs: [{ org: 'DE' }, { org: 'CY', accreditation: 'RESTREINT UE' as const }],
  users: [
    { user: 'de.anna', org: 'DE', role: 'security-officer' as const },
    { user: 'de.ben', org: 'DE', devices: 2 },
    { user: 'cy.chris', org: 'CY' },
  ],
};

function revocation(org: string, subject: Revocation['subject'], id: string): Revocation {
  return { v: 1, kind: 'revocation', org, subject, id, reason: 'lost laptop', issuedAt: T0 };
}

describe('openDirectory', () => {
  test('a well-formed network replays with every device valid', async () => {
    const net = await buildNetwork(spec);
    const dir = await openDirectory(net.root, net.entries);
    assert.equal(dir.epoch, net.entries.length);
    assert.equal(dir.rejected.size, 0);
    assert.equal(dir.devices().length, 4);
    for (const d of net.devices) assert.equal(dir.device(d.id)?.user.user, d.user);
  });

  test('an org certificate signed by another key than the pinned root is kept out', async () => {
    const net = await buildNetwork(spec);
    const impostor = await generateSigner();
    const forged = await issueCertificate(
      { ...(net.entries[0]!.body as OrgCertificate), org: 'XX' },
      impostor,
    );
    const dir = await openDirectory(net.root, [...net.entries, forged]);
    assert.equal(dir.rejected.get(net.entries.length), 'BAD_SIGNATURE');
    assert.equal(dir.org('XX'), undefined);
  });

  test('a device certificate signed by another org is kept out and reported REJECTED', async () => {
    const net = await buildNetwork(spec);
    const de = net.devices.find((d) => d.org === 'DE')!;
    const cySigner = net.orgSigners.get('CY')!;
    const stolen = await issueCertificate({ ...de.cert, device: 'AAAAAAAAAAAAAAAAAAAAAA' }, cySigner);
    const dir = await openDirectory(net.root, [...net.entries, stolen]);
    assert.equal(dir.rejected.get(net.entries.length), 'BAD_SIGNATURE');
    assert.equal(dir.deviceProblem('AAAAAAAAAAAAAAAAAAAAAA'), 'REJECTED');
  });

  test('a second certificate for an existing device id (a key swap) is refused', async () => {
    const net = await buildNetwork(spec);
    const victim = net.devices[0]!;
    const attacker = await generateSigner();
    const swap = await issueCertificate(
      { ...victim.cert, signingKey: attacker.publicKey },
      net.orgSigners.get(victim.org)!,
    );
    const dir = await openDirectory(net.root, [...net.entries, swap]);
    assert.equal(dir.rejected.get(net.entries.length), 'DUPLICATE_DEVICE');
    assert.deepEqual(dir.device(victim.id)?.device.signingKey, victim.signer.publicKey);
  });

  test('revoking a device ends it from the next epoch on, not before', async () => {
    const net = await buildNetwork(spec);
    const d = net.devices[1]!;
    const rev = await issueCertificate(revocation(d.org, 'device', d.id), net.orgSigners.get(d.org)!);
    const entries: SignedEntry[] = [...net.entries, rev];
    const dir = await openDirectory(net.root, entries);
    assert.equal(dir.deviceProblem(d.id), 'REVOKED');
    assert.equal(dir.device(d.id), undefined);
    assert.ok(dir.device(d.id, net.entries.length), 'still valid at the epoch before the revocation');
  });

  test('revoking a user ends all their devices; revoking an org ends its users', async () => {
    const net = await buildNetwork(spec);
    const revUser = await issueCertificate(revocation('DE', 'user', 'de.ben'), net.orgSigners.get('DE')!);
    const revOrg = await issueCertificate(revocation('CY', 'org', 'CY'), net.rootSigner);
    const dir = await openDirectory(net.root, [...net.entries, revUser, revOrg]);
    for (const d of net.devicesOf('de.ben')) assert.equal(dir.deviceProblem(d.id), 'REVOKED');
    for (const d of net.devicesOf('cy.chris')) assert.equal(dir.deviceProblem(d.id), 'REVOKED');
    assert.ok(dir.device(net.devicesOf('de.anna')[0]!.id));
  });

  test("an org cannot revoke another org's device", async () => {
    const net = await buildNetwork(spec);
    const target = net.devicesOf('de.ben')[0]!;
    const rev = await issueCertificate(revocation('CY', 'device', target.id), net.orgSigners.get('CY')!);
    const dir = await openDirectory(net.root, [...net.entries, rev]);
    assert.equal(dir.rejected.get(net.entries.length), 'UNKNOWN_SUBJECT');
    assert.ok(dir.device(target.id));
  });

  test('a device of an unknown user, or a user of an org not in the directory, is refused', async () => {
    const net = await buildNetwork(spec);
    const d = net.devices[0]!;
    const orphan = await issueCertificate(
      { ...d.cert, user: 'de.nobody', device: 'BBBBBBBBBBBBBBBBBBBBBA' },
      net.orgSigners.get('DE')!,
    );
    const other = await generateSigner();
    const userOfUnknownOrg = await issueCertificate(
      {
        v: 1,
        kind: 'user',
        org: 'FR',
        user: 'fr.x',
        name: 'x',
        clearance: 'UNCLASSIFIED',
        role: 'member',
        groups: [],
        issuedAt: T0,
      },
      other,
    );
    const dir = await openDirectory(net.root, [...net.entries, orphan, userOfUnknownOrg]);
    assert.equal(dir.rejected.get(net.entries.length), 'UNKNOWN_USER');
    assert.equal(dir.rejected.get(net.entries.length + 1), 'UNKNOWN_ISSUER');
  });

  test('a re-issued user certificate (new clearance) applies from its epoch on', async () => {
    const net = await buildNetwork(spec);
    const ben = net.entries.find((e) => e.body.kind === 'user' && e.body.user === 'de.ben')!;
    const raised = await issueCertificate(
      { ...(ben.body as UserCertificate), clearance: 'SECRET UE' as const },
      net.orgSigners.get('DE')!,
    );
    const dir = await openDirectory(net.root, [...net.entries, raised]);
    assert.equal(dir.user('de.ben')?.clearance, 'SECRET UE');
    assert.equal(dir.user('de.ben', net.entries.length)?.clearance, 'RESTREINT UE');
  });
});

describe('extendDirectory', () => {
  test('extending at any split point gives the directory a full replay gives', async () => {
    const net = await buildNetwork(spec);
    const d = net.devicesOf('de.ben')[0]!;
    const rev = await issueCertificate(revocation('DE', 'device', d.id), net.orgSigners.get('DE')!);
    const forged = await issueCertificate(
      { ...(net.entries[0]!.body as OrgCertificate), org: 'XX' },
      await generateSigner(),
    );
    const all = [...net.entries.slice(0, 4), forged, ...net.entries.slice(4), rev];
    const full = await openDirectory(net.root, all);
    assert.equal(full.rejected.get(4), 'BAD_SIGNATURE');
    for (let split = 0; split <= all.length; split++) {
      const extended = await extendDirectory(
        await openDirectory(net.root, all.slice(0, split)),
        all.slice(split),
      );
      assert.equal(extended.epoch, full.epoch);
      assert.deepEqual([...extended.rejected], [...full.rejected], `split at ${split}`);
      assert.deepEqual(
        extended.devices().map((x) => x.device.device),
        full.devices().map((x) => x.device.device),
      );
      assert.equal(extended.deviceProblem(d.id), 'REVOKED');
    }
  });

  test('a new entry is still checked: a forged one is kept out', async () => {
    const net = await buildNetwork(spec);
    const dir = await openDirectory(net.root, net.entries);
    const forged = await issueCertificate(
      { ...(net.entries[0]!.body as OrgCertificate), org: 'XX' },
      await generateSigner(),
    );
    const next = await extendDirectory(dir, [forged]);
    assert.equal(next.rejected.get(dir.epoch), 'BAD_SIGNATURE');
    assert.equal(next.org('XX'), undefined);
  });
});
