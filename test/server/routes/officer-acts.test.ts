/**
 * Who performs an officer act (docs/design.md §5, "Officer acts"; src/server/officer-act-rule.ts),
 * on SQLite and PostgreSQL:
 * - no officer approves a device, invites or re-certifies their own user (a stolen officer
 *   device cannot mint itself a second one or raise its own clearance, nor confirm another
 *   officer's act that does); another officer can;
 * - under AAL3, a command-line enrolment is refused except for a declared service (registry)
 *   device, a person's device certificate needs a passkey (the bootstrap officer's too), and
 *   officer acts from a command-line device are refused.
 * Every refusal writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes } from '../../../src/core/encoding/bytes.ts';
import type { OrgCertificate, UserCertificate } from '../../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { auditRecord } from '../../../src/server/audit-event.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts } from '../fixtures/counts.ts';
import { addUser, enrolDevice, invite, newDeviceKeys } from '../fixtures/enrol.ts';
import { DEVICE_EXPIRES_AT, device, ISSUED_AT, makeDevice, randomId, T0 } from '../fixtures/network.ts';
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

/** An invitation written as an officer's browser would have made it (no CLI officer act). */
async function storedInvitation(t: TestApp, user: string) {
  const secret = randomBytes(32);
  const id = randomId();
  await t.store.createInvitation(
    {
      id,
      org: 'DE',
      user,
      secretHash: sha256(secret),
      expiresAt: T0 + 600,
      createdAt: T0,
      createdBy: 'test',
      usedAt: undefined,
    },
    auditRecord({
      at: T0,
      type: 'invitation.created',
      actor: {},
      object: { kind: 'invitation', id, org: 'DE' },
      detail: { user, expiresAt: T0 + 600 },
    }),
  );
  return { id, secret };
}

async function cliEnrolment(t: TestApp, invitation: { id: string; secret: Uint8Array }) {
  const keys = await newDeviceKeys('laptop');
  return t.api.post('/api/v1/enrolments', {
    invitation: invitation.id,
    secret: invitation.secret,
    device: keys.id,
    label: 'laptop',
    signingKey: keys.signer.publicKey,
    kemKey: keys.kem.publicKey,
    binding: randomBytes(32),
  });
}

for (const backend of await backends()) {
  describe(`officer acts on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    test('an officer cannot invite, approve or re-certify their own user; a second officer can', async () => {
      const officer = device(t.network, 'de.officer');
      const signer = t.network.orgs.DE!.signer;
      const before = await actCounts(t.store);
      const self = await t.api.post(
        '/api/v1/invitations',
        { id: randomId(), org: 'DE', user: 'de.officer', secretHash: randomBytes(32), expiresAt: T0 + 600 },
        { as: officer },
      );
      assert.equal(self.status, 403, self.text);
      assert.equal(self.json.error.code, 'SELF_APPROVAL');
      const raised = {
        ...t.network.users['de.officer']!,
        clearance: 'SECRET UE' as const,
        issuedAt: ISSUED_AT + 1,
      };
      const reissue = await t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(raised, signer) },
        { as: officer },
      );
      assert.equal(reissue.status, 403, reissue.text);
      assert.equal(reissue.json.error.code, 'SELF_APPROVAL');
      assert.deepEqual(await actCounts(t.store), before, 'nothing written');

      // A second officer invites a new device for the first, who may not approve it.
      const second = userCert('DE', 'de.officer.two', 'security-officer');
      await addUser(t.api, t.network, officer, second);
      const colleague = await enrolDevice(t.api, t.network, officer, second, 'colleague laptop');
      const invitation = await invite(
        t.api,
        colleague,
        'de.officer',
        T0 + 600,
        device(t.network, 'de.officer.2'),
      );
      const keys = await newDeviceKeys('tablet');
      const enrolled = await t.api.post('/api/v1/enrolments', {
        invitation: invitation.id,
        secret: invitation.secret,
        device: keys.id,
        label: 'tablet',
        signingKey: keys.signer.publicKey,
        kemKey: keys.kem.publicKey,
        binding: randomBytes(32),
      });
      assert.equal(enrolled.status, 201, enrolled.text);
      const cert = {
        v: 1 as const,
        kind: 'device' as const,
        org: 'DE',
        user: 'de.officer',
        device: keys.id,
        label: 'tablet',
        signingKey: keys.signer.publicKey,
        kemKey: keys.kem.publicKey,
        issuedAt: ISSUED_AT,
        expiresAt: DEVICE_EXPIRES_AT,
      };
      const entry = await issueCertificate(cert, signer);
      const own = await t.api.post('/api/v1/directory', { entry }, { as: officer });
      assert.equal(own.status, 403, own.text);
      assert.equal(own.json.error.code, 'SELF_APPROVAL');
      // From a command-line device the colleague's approval is held (held-act.ts): the officer it
      // certifies a device for may not confirm it; a third officer does.
      const approval = await t.api.post('/api/v1/directory', { entry }, { as: colleague });
      assert.equal(approval.status, 202, approval.text);
      const confirm = (as: typeof officer) =>
        t.api.post(`/api/v1/officer-acts/${approval.json.held.id}/confirm`, {}, { as });
      const mine = await confirm(officer);
      assert.equal(mine.status, 403, mine.text);
      assert.equal(mine.json.error.code, 'SELF_APPROVAL');
      const approved = await confirm(device(t.network, 'de.officer.2'));
      assert.equal(approved.status, 201, approved.text);
    });
  });

  describe(`AAL3 (VALISE_REQUIRE_AAL3=1) on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { deps: { web: { origin: 'http://valise.test', requireAal3: true } } });
    });
    after(async () => {
      await t?.close();
    });

    test('a person cannot enrol from the command line; a registry (service) device can', async () => {
      const person = await storedInvitation(t, 'de.bob');
      const before = await actCounts(t.store);
      const refused = await cliEnrolment(t, person);
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.error.code, 'AAL3_PASSKEY_REQUIRED');
      assert.deepEqual(await actCounts(t.store), before, 'nothing written, the invitation unspent');
      assert.equal((await t.store.invitation(person.id))?.usedAt, undefined);
      const service = await cliEnrolment(t, await storedInvitation(t, 'de.registry'));
      assert.equal(service.status, 201, service.text);
    });

    test('officer acts from a command-line device are refused', async () => {
      const officer = device(t.network, 'de.officer');
      const before = await actCounts(t.store);
      const invitation = await t.api.post(
        '/api/v1/invitations',
        { id: randomId(), org: 'DE', user: 'de.bob', secretHash: randomBytes(32), expiresAt: T0 + 600 },
        { as: officer },
      );
      assert.equal(invitation.status, 403, invitation.text);
      assert.equal(invitation.json.error.code, 'AAL3_PASSKEY_REQUIRED');
      const user = await t.api.post(
        '/api/v1/directory',
        { entry: await issueCertificate(userCert('DE', 'de.new'), t.network.orgs.DE!.signer) },
        { as: officer },
      );
      assert.equal(user.status, 403, user.text);
      assert.equal(user.json.error.code, 'AAL3_PASSKEY_REQUIRED');
      assert.deepEqual(await actCounts(t.store), before, 'nothing written');
    });

    test("an organisation's first officer cannot bootstrap a device without a passkey", async () => {
      const orgSigner = await generateSigner();
      const org: OrgCertificate = {
        v: 1,
        kind: 'org',
        network: 'test',
        org: 'EEAS',
        name: 'EEAS',
        accreditation: 'RESTREINT UE',
        key: orgSigner.publicKey,
        issuedAt: ISSUED_AT,
      };
      assert.equal(
        (await t.api.post('/api/v1/directory', { entry: await issueCertificate(org, t.network.rootSigner) }))
          .status,
        201,
      );
      const officer = userCert('EEAS', 'eeas.officer', 'security-officer');
      assert.equal(
        (await t.api.post('/api/v1/directory', { entry: await issueCertificate(officer, orgSigner) })).status,
        201,
      );
      const { entry } = await makeDevice('officer laptop', officer, orgSigner);
      const refused = await t.api.post('/api/v1/directory', { entry });
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.error.code, 'AAL3_PASSKEY_REQUIRED');
    });
  });
}
