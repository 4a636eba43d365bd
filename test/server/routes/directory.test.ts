/**
 * POST and GET /directory: who may add which entry, bootstrap, enrolment approval and
 * revocation taking effect at once. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { randomBytes } from '../../../src/core/encoding/bytes.ts';
import type {
  DeviceCertificate,
  OrgCertificate,
  Revocation,
  UserCertificate,
} from '../../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts } from '../fixtures/counts.ts';
import {
  addUser,
  confirmedAct,
  enrolDevice,
  invite,
  newDeviceKeys,
  secondOfficer,
} from '../fixtures/enrol.ts';
import {
  DEVICE_EXPIRES_AT,
  device,
  ISSUED_AT,
  makeDevice,
  makeNetwork,
  T0,
  type TestNetwork,
} from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

function userCert(org: string, user: string, role: UserCertificate['role'] = 'member'): UserCertificate {
  return {
    v: 1,
    kind: 'user',
    org,
    user,
    name: user,
    clearance: 'RESTREINT UE',
    role,
    groups: ['COEST'],
    issuedAt: ISSUED_AT,
  };
}

for (const backend of await backends()) {
  describe(`/directory on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let network: TestNetwork;
    before(async () => {
      network = await makeNetwork();
      t = await startTestApp(backend, { network });
    });
    after(async () => {
      await t?.close();
    });

    test('GET /directory serves the entries from an index, with the epoch', async () => {
      const anna = device(network, 'de.anna');
      const all = await t.api.get('/api/v1/directory', { as: anna });
      assert.equal(all.status, 200);
      assert.equal(all.json.epoch, network.entries.length);
      assert.equal(all.json.entries.length, network.entries.length);
      const tail = await t.api.get('/api/v1/directory?from=28', { as: anna });
      assert.equal(tail.json.entries.length, network.entries.length - 28);
      assert.deepEqual(tail.json.entries[0], all.json.entries[28]);
    });

    test('a root-signed organisation certificate is accepted without a request signature', async () => {
      const signer = await generateSigner();
      const cert: OrgCertificate = {
        v: 1,
        kind: 'org',
        network: 'test',
        org: 'EEAS',
        name: 'EEAS',
        accreditation: 'RESTREINT UE',
        key: signer.publicKey,
        issuedAt: ISSUED_AT,
      };
      const response = await t.api.post('/api/v1/directory', {
        entry: await issueCertificate(cert, network.rootSigner),
      });
      assert.equal(response.status, 201, response.text);
      assert.equal(response.json.index, network.entries.length);
      assert.equal(response.json.epoch, network.entries.length + 1);

      // Bootstrap: while EEAS has no officer device, its officer and their device may be posted unsigned.
      const officer = userCert('EEAS', 'eeas.officer', 'security-officer');
      assert.equal(
        (await t.api.post('/api/v1/directory', { entry: await issueCertificate(officer, signer) })).status,
        201,
      );
      const member = userCert('EEAS', 'eeas.member');
      const unsignedMember = await t.api.post('/api/v1/directory', {
        entry: await issueCertificate(member, signer),
      });
      assert.equal(unsignedMember.status, 401);
      assert.equal(unsignedMember.json.error.code, 'SIGNATURE_MISSING');
      const { device: officerDevice, entry } = await makeDevice('eeas.officer', officer, signer);
      assert.equal((await t.api.post('/api/v1/directory', { entry })).status, 201);
      // Bootstrap is over: a second officer device needs a signed request.
      const { entry: second } = await makeDevice('eeas.officer.2', officer, signer);
      assert.equal((await t.api.post('/api/v1/directory', { entry: second })).status, 401);
      // The officer may not certify their own new device: another officer must (officer-act-rule.ts).
      const own = await t.api.post('/api/v1/directory', { entry: second }, { as: officerDevice });
      assert.equal(own.status, 403, own.text);
      assert.equal(own.json.error.code, 'SELF_APPROVAL');
      // A single officer cannot act from the command line: no one could confirm (held-act.ts).
      const alone = await t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(member, signer) },
        { as: officerDevice },
      );
      assert.equal(alone.status, 403, alone.text);
      assert.equal(alone.json.error.code, 'SECOND_OFFICER_REQUIRED');
    });

    test('an entry the directory rules reject is refused with CERTIFICATE_INVALID and not stored', async () => {
      const before = await actCounts(t.store);
      const forger = await generateSigner();
      const cert: OrgCertificate = { ...network.orgs.CY!.cert, org: 'XX', key: forger.publicKey };
      const forged = await t.api.post('/api/v1/directory', { entry: await issueCertificate(cert, forger) });
      assert.equal(forged.status, 422);
      assert.equal(forged.json.error.code, 'CERTIFICATE_INVALID');
      // A user certificate signed by another organisation's key.
      const officer = device(network, 'de.officer');
      const wrongIssuer = await t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(userCert('DE', 'de.wrong'), network.orgs.FR!.signer) },
        { as: officer },
      );
      assert.equal(wrongIssuer.status, 422);
      assert.deepEqual(await actCounts(t.store), before);
    });

    test("only a security officer of the entry's organisation adds its users", async () => {
      const entry = await issueCertificate(userCert('DE', 'de.newcomer'), network.orgs.DE!.signer);
      for (const name of ['fr.officer', 'de.anna', 'de.registry', 'cy.authority']) {
        const response = await t.api.post('/api/v1/directory', { entry }, { as: device(network, name) });
        assert.equal(response.status, 403, name);
        assert.equal(response.json.error.code, 'FORBIDDEN');
      }
      const officer = device(network, 'de.officer');
      const added = await confirmedAct(t.api, officer, secondOfficer(network, officer), '/api/v1/directory', {
        entry,
      });
      assert.equal(added.status, 201, added.text);
    });

    test('enrolment: invitation, enrolment, approval with exactly the pending keys, and the device is in', async () => {
      const officer = device(network, 'de.officer');
      const user = userCert('DE', 'de.enrolled');
      await addUser(t.api, network, officer, user);
      const enrolled = await enrolDevice(t.api, network, officer, user, 'de.enrolled laptop');
      const inbox = await t.api.get('/api/v1/inbox', { as: enrolled });
      assert.equal(inbox.status, 200, inbox.text);
      const devices = await t.api.get('/api/v1/devices', { as: officer });
      const listed = devices.json.items.find((d: { device: string }) => d.device === enrolled.id);
      assert.equal(listed?.status, 'active');
    });

    test('a device certificate whose keys differ from the pending enrolment is refused', async () => {
      const officer = device(network, 'de.officer');
      const user = userCert('DE', 'de.swapped');
      await addUser(t.api, network, officer, user);
      const invitation = await invite(t.api, officer, user.user, T0 + 600, secondOfficer(network, officer));
      const keys = await newDeviceKeys('phone');
      const enrolment = await t.api.post('/api/v1/enrolments', {
        invitation: invitation.id,
        secret: invitation.secret,
        device: keys.id,
        label: 'phone',
        signingKey: keys.signer.publicKey,
        kemKey: keys.kem.publicKey,
        binding: randomBytes(32),
      });
      assert.equal(enrolment.status, 201);
      const pending = await t.api.get('/api/v1/enrolments?status=pending', { as: officer });
      assert.ok(pending.json.items.some((e: { device: string }) => e.device === keys.id));
      // A server (or attacker) swapping in its own signing key: the officer would certify the wrong key.
      const other = await generateSigner();
      const cert: DeviceCertificate = {
        v: 1,
        kind: 'device',
        org: 'DE',
        user: user.user,
        device: keys.id,
        label: 'phone',
        signingKey: other.publicKey,
        kemKey: keys.kem.publicKey,
        issuedAt: ISSUED_AT,
        expiresAt: DEVICE_EXPIRES_AT,
      };
      const before = await actCounts(t.store);
      const response = await t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(cert, network.orgs.DE!.signer) },
        { as: officer },
      );
      assert.equal(response.status, 422);
      assert.equal(response.json.error.code, 'ENROLMENT_MISMATCH');
      assert.deepEqual(await actCounts(t.store), before);
    });

    test("a device certificate with no enrolment is refused, and the officer's own device is not theirs to certify", async () => {
      const officer = device(network, 'de.officer');
      const { entry } = await makeDevice('unenrolled', network.users['de.carl']!, network.orgs.DE!.signer);
      const response = await t.api.post('/api/v1/directory', { entry }, { as: officer });
      assert.equal(response.status, 422);
      assert.equal(response.json.error.code, 'ENROLMENT_MISMATCH');
      const { entry: own } = await makeDevice(
        'officer tablet',
        network.users['de.officer']!,
        network.orgs.DE!.signer,
      );
      const self = await t.api.post('/api/v1/directory', { entry: own }, { as: officer });
      assert.equal(self.status, 403, self.text);
      assert.equal(self.json.error.code, 'SELF_APPROVAL');
    });

    test("a revocation takes effect at once: the revoked device's next request is refused", async () => {
      const carl = device(network, 'de.carl');
      assert.equal((await t.api.get('/api/v1/inbox', { as: carl })).status, 200);
      const revocation: Revocation = {
        v: 1,
        kind: 'revocation',
        org: 'DE',
        subject: 'device',
        id: carl.id,
        reason: 'compromised',
        issuedAt: T0,
      };
      const officer = device(network, 'de.officer');
      const posted = await confirmedAct(
        t.api,
        officer,
        secondOfficer(network, officer),
        '/api/v1/directory',
        {
          entry: await issueCertificate(revocation, network.orgs.DE!.signer),
        },
      );
      assert.equal(posted.status, 201, posted.text);
      const refused = await t.api.get('/api/v1/inbox', { as: carl });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.code, 'DEVICE_REVOKED');
      const events = await t.store.auditEvents(0, 100_000);
      const last = JSON.parse(new TextDecoder().decode(events.at(-1)!.event));
      assert.equal(last.type, 'request.refused');
      assert.equal(last.detail.code, 'DEVICE_REVOKED');
      assert.equal(last.actor.device, carl.id);
    });
  });
}
