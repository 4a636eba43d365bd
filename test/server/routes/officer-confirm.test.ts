/**
 * The two-person rule for officer acts from the command line (docs/design.md §5, "Officer
 * acts"; src/server/held-act.ts, src/server/routes/officer-acts.ts), on SQLite and PostgreSQL.
 * The test network's officer devices are command-line devices (no passkey), so a copied
 * officer folder is what `de.officer`'s device and DE's organisation key stand for here:
 * - alone, it invites and approves, and both are held: nothing takes effect, the new device
 *   has no certificate and cannot read;
 * - the same officer confirming their own act, or the person an act is about, is SELF_APPROVAL;
 * - a second officer confirms, and the act takes effect exactly as signed;
 * - a refused act applies nothing; an expired act cannot be confirmed;
 * - an organisation with one officer cannot act from the command line at all;
 * - another organisation's officer neither sees nor decides the act.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes } from '../../../src/core/encoding/bytes.ts';
import type { OrgCertificate, UserCertificate } from '../../../src/core/identity/certificate.ts';
import { issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { parseLogEvent } from '../../../src/core/log/log-event.ts';
import { backends } from '../fixtures/backends.ts';
import { newDeviceKeys } from '../fixtures/enrol.ts';
import { DEVICE_EXPIRES_AT, device, ISSUED_AT, makeDevice, randomId, T0 } from '../fixtures/network.ts';
import type { TestResponse } from '../fixtures/test-api.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

function userCert(org: string, user: string, role: UserCertificate['role'] = 'member'): UserCertificate {
  return {
    v: 1,
    kind: 'user',
    org,
    user,
    name: `${user} name`,
    clearance: 'RESTREINT UE',
    role,
    groups: ['COEST'],
    issuedAt: ISSUED_AT,
  };
}

function heldId(response: TestResponse): string {
  assert.equal(response.status, 202, response.text);
  const held = response.json as { held: { id: string; org: string }; message: string };
  assert.match(held.message, new RegExp(`valise officer confirm ${held.held.id}`));
  return held.held.id;
}

function refusedWith(response: TestResponse, status: number, code: string): void {
  assert.equal(response.status, status, response.text);
  assert.equal(response.json.error.code, code, response.text);
}

for (const backend of await backends()) {
  describe(`officer acts from the command line need a second officer, on ${backend.name}`, {
    skip: backend.skip,
  }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    const confirm = (id: string, as: string) =>
      t.api.post(`/api/v1/officer-acts/${id}/confirm`, {}, { as: device(t.network, as) });
    const refuse = (id: string, as: string, reason: string) =>
      t.api.post(`/api/v1/officer-acts/${id}/refuse`, { reason }, { as: device(t.network, as) });
    const pending = async (as: string) => {
      const listed = await t.api.get('/api/v1/officer-acts', { as: device(t.network, as) });
      assert.equal(listed.status, 200, listed.text);
      return (listed.json as { items: { id: string; act: string; user: string; subject: string }[] }).items;
    };

    test('a copied officer folder alone invites and approves: both are held, the device gets no certificate and cannot read', async () => {
      const officer = device(t.network, 'de.officer');
      const secret = randomBytes(32);
      const invitationId = randomId();
      const invited = await t.api.post(
        '/api/v1/invitations',
        { id: invitationId, org: 'DE', user: 'de.bob', secretHash: sha256(secret), expiresAt: T0 + 3600 },
        { as: officer },
      );
      const invitationAct = heldId(invited);
      assert.equal(await t.store.invitation(invitationId), undefined, 'no invitation exists yet');
      const keys = await newDeviceKeys('thief laptop');
      const enrol = () =>
        t.api.post('/api/v1/enrolments', {
          invitation: invitationId,
          secret,
          device: keys.id,
          label: 'thief laptop',
          signingKey: keys.signer.publicKey,
          kemKey: keys.kem.publicKey,
          binding: randomBytes(32),
        });
      refusedWith(await enrol(), 404, 'NOT_FOUND');
      // The same officer cannot confirm their own act.
      refusedWith(await confirm(invitationAct, 'de.officer'), 403, 'SELF_APPROVAL');
      assert.equal(await t.store.invitation(invitationId), undefined);

      // The second officer confirms: the invitation exists, exactly as posted.
      const confirmed = await confirm(invitationAct, 'de.officer.2');
      assert.equal(confirmed.status, 201, confirmed.text);
      assert.equal(confirmed.json.invitation, invitationId);
      const stored = await t.store.invitation(invitationId);
      assert.equal(stored?.createdBy, officer.id, 'the invitation is the first officer’s');
      assert.deepEqual(stored?.secretHash, sha256(secret));
      assert.equal((await enrol()).status, 201);

      // The approval, signed by the first officer alone, is held too.
      const cert = {
        v: 1 as const,
        kind: 'device' as const,
        org: 'DE',
        user: 'de.bob',
        device: keys.id,
        label: 'thief laptop',
        signingKey: keys.signer.publicKey,
        kemKey: keys.kem.publicKey,
        issuedAt: ISSUED_AT,
        expiresAt: DEVICE_EXPIRES_AT,
      };
      const entry = await issueCertificate(cert, t.network.orgs.DE!.signer);
      const approval = heldId(await t.api.post('/api/v1/directory', { entry }, { as: officer }));
      assert.equal(t.directory.device(keys.id), undefined, 'the device has no certificate');
      const newDevice = {
        name: 'thief laptop',
        id: keys.id,
        org: 'DE',
        user: 'de.bob',
        signer: keys.signer,
        kemPublicKey: keys.kem.publicKey,
        kemPrivateKey: keys.kem.privateKey,
        cert,
      };
      // Its enrolment still waits: the device reads nothing.
      refusedWith(await t.api.get('/api/v1/inbox', { as: newDevice }), 403, 'DEVICE_PENDING');
      const listed = await pending('de.officer.2');
      assert.deepEqual(
        listed.filter((a) => a.id === approval).map((a) => [a.act, a.user, a.subject]),
        [['device', 'de.officer', 'de.bob']],
      );
      refusedWith(await confirm(approval, 'de.officer'), 403, 'SELF_APPROVAL');

      const approved = await confirm(approval, 'de.officer.2');
      assert.equal(approved.status, 201, approved.text);
      assert.equal(t.directory.device(keys.id)?.user.user, 'de.bob');
      assert.equal((await t.api.get('/api/v1/inbox', { as: newDevice })).status, 200);
      assert.equal((await t.store.enrolment(keys.id))?.status, 'done');
      refusedWith(await confirm(approval, 'de.officer.2'), 409, 'ACT_DECIDED');
      assert.deepEqual(
        (await pending('de.officer.2')).filter((a) => a.id === approval || a.id === invitationAct),
        [],
      );

      // On the log: held by one officer, confirmed by the other, naming both.
      const events = (await t.store.auditEvents(0, Number.MAX_SAFE_INTEGER))
        .map((e) => parseLogEvent(e.event))
        .filter((e) => e.object.id === approval);
      assert.deepEqual(
        events.map((e) => [e.type, e.actor.user, e.detail.postedBy]),
        [
          ['officer-act.held', 'de.officer', undefined],
          ['officer-act.confirmed', 'de.officer.2', 'de.officer'],
        ],
      );
    });

    test('a refused act applies nothing and cannot be confirmed later', async () => {
      const entry = await issueCertificate(userCert('DE', 'de.refused'), t.network.orgs.DE!.signer);
      const id = heldId(
        await t.api.post('/api/v1/directory', { entry }, { as: device(t.network, 'de.officer') }),
      );
      refusedWith(await refuse(id, 'de.officer.2', 'x'), 400, 'OUT_OF_RANGE');
      const refused = await refuse(id, 'de.officer.2', 'nobody asked for this person');
      assert.equal(refused.status, 200, refused.text);
      assert.equal(refused.json.outcome, 'refused');
      refusedWith(await confirm(id, 'de.officer.2'), 409, 'ACT_DECIDED');
      assert.equal(t.directory.user('de.refused'), undefined);
      assert.deepEqual(
        (await pending('de.officer')).filter((a) => a.id === id),
        [],
      );
    });

    test('an expired act cannot be confirmed', async () => {
      const entry = await issueCertificate(userCert('DE', 'de.late'), t.network.orgs.DE!.signer);
      const id = heldId(
        await t.api.post('/api/v1/directory', { entry }, { as: device(t.network, 'de.officer') }),
      );
      t.clock.advance(24 * 3600 * 1000);
      try {
        refusedWith(await confirm(id, 'de.officer.2'), 410, 'ACT_EXPIRED');
        assert.equal(t.directory.user('de.late'), undefined);
        assert.deepEqual(
          (await pending('de.officer.2')).filter((a) => a.id === id),
          [],
        );
      } finally {
        t.clock.set(T0 * 1000);
      }
    });

    test('the person an act is about can neither confirm nor refuse it', async () => {
      const colleague = device(t.network, 'de.officer.2');
      const revocation = await issueCertificate(
        {
          v: 1,
          kind: 'revocation',
          org: 'DE',
          subject: 'device',
          id: colleague.id,
          reason: 'laptop lost',
          issuedAt: ISSUED_AT,
        },
        t.network.orgs.DE!.signer,
      );
      const id = heldId(
        await t.api.post('/api/v1/directory', { entry: revocation }, { as: device(t.network, 'de.officer') }),
      );
      refusedWith(await confirm(id, 'de.officer.2'), 403, 'SELF_APPROVAL');
      refusedWith(await refuse(id, 'de.officer.2', 'it is my laptop'), 403, 'SELF_APPROVAL');
      assert.ok(t.directory.device(colleague.id), 'the device is still in force');
      // The officer who posted it may withdraw it.
      assert.equal((await refuse(id, 'de.officer', 'found the laptop')).status, 200);
    });

    test("another organisation's officer neither sees nor decides the act", async () => {
      const entry = await issueCertificate(userCert('DE', 'de.foreign'), t.network.orgs.DE!.signer);
      const id = heldId(
        await t.api.post('/api/v1/directory', { entry }, { as: device(t.network, 'de.officer') }),
      );
      assert.deepEqual(
        (await pending('fr.officer')).filter((a) => a.id === id),
        [],
      );
      refusedWith(await confirm(id, 'fr.officer'), 404, 'NOT_FOUND');
      refusedWith(await refuse(id, 'fr.officer', 'not ours'), 404, 'NOT_FOUND');
      refusedWith(
        await t.api.get('/api/v1/officer-acts', { as: device(t.network, 'de.anna') }),
        403,
        'FORBIDDEN',
      );
      refusedWith(await confirm(id, 'de.anna'), 404, 'NOT_FOUND');
    });

    test('an organisation with one officer cannot act from the command line; its second officer is founded within a day', async () => {
      const orgSigner = await generateSigner();
      const org: OrgCertificate = {
        v: 1,
        kind: 'org',
        network: 'test',
        org: 'EEAS',
        name: 'EEAS',
        accreditation: 'RESTREINT UE',
        key: orgSigner.publicKey,
        issuedAt: T0 - 60,
      };
      const post = (entry: unknown, as?: ReturnType<typeof device>) =>
        t.api.post('/api/v1/directory', { entry }, as ? { as } : {});
      assert.equal((await post(await issueCertificate(org, t.network.rootSigner))).status, 201);
      const first = userCert('EEAS', 'eeas.officer', 'security-officer');
      assert.equal((await post(await issueCertificate(first, orgSigner))).status, 201);
      const made = await makeDevice('officer laptop', first, orgSigner);
      assert.equal((await post(made.entry)).status, 201);

      const single = await post(
        await issueCertificate(userCert('EEAS', 'eeas.anna'), orgSigner),
        made.device,
      );
      refusedWith(single, 403, 'SECOND_OFFICER_REQUIRED');
      assert.match(single.json.error.message, /browser/);
      assert.equal(t.directory.user('eeas.anna'), undefined);

      // The organisation key founds a second officer (a day after its certificate, no more).
      const second = userCert('EEAS', 'eeas.officer.2', 'security-officer');
      assert.equal((await post(await issueCertificate(second, orgSigner))).status, 201);
      const made2 = await makeDevice('second laptop', second, orgSigner);
      assert.equal((await post(made2.entry)).status, 201);
      // A third is not founded: the organisation has its two officers.
      const third = userCert('EEAS', 'eeas.officer.3', 'security-officer');
      refusedWith(await post(await issueCertificate(third, orgSigner)), 401, 'SIGNATURE_MISSING');

      // Now the first officer's act is held, and the second confirms it.
      const id = heldId(
        await post(await issueCertificate(userCert('EEAS', 'eeas.anna'), orgSigner), made.device),
      );
      const confirmed = await t.api.post(`/api/v1/officer-acts/${id}/confirm`, {}, { as: made2.device });
      assert.equal(confirmed.status, 201, confirmed.text);
      assert.equal(t.directory.user('eeas.anna')?.org, 'EEAS');
    });

    test("a day after the organisation's certificate, its key alone founds no second officer", async () => {
      const orgSigner = await generateSigner();
      const org: OrgCertificate = {
        v: 1,
        kind: 'org',
        network: 'test',
        org: 'CONSIL',
        name: 'Council secretariat',
        accreditation: 'RESTREINT UE',
        key: orgSigner.publicKey,
        issuedAt: T0 - 24 * 3600,
      };
      const post = (entry: unknown) => t.api.post('/api/v1/directory', { entry });
      assert.equal((await post(await issueCertificate(org, t.network.rootSigner))).status, 201);
      const first = userCert('CONSIL', 'consil.officer', 'security-officer');
      const second = userCert('CONSIL', 'consil.officer.2', 'security-officer');
      assert.equal((await post(await issueCertificate(first, orgSigner))).status, 201);
      // The first officer is founded whenever the organisation has none.
      assert.equal((await post((await makeDevice('laptop', first, orgSigner)).entry)).status, 201);
      refusedWith(await post(await issueCertificate(second, orgSigner)), 401, 'SIGNATURE_MISSING');
    });
  });
}
