/**
 * Invitations and enrolments (docs/design.md §5): one-time, expiring, single-use, secret held only
 * by its hash. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes } from '../../../src/core/encoding/bytes.ts';
import { MAX_INVITATION_SECONDS } from '../../../src/server/routes/invitations.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts } from '../fixtures/counts.ts';
import { confirmedAct, invite, newDeviceKeys } from '../fixtures/enrol.ts';
import { device, randomId, T0 } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

for (const backend of await backends()) {
  describe(`invitations and enrolments on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    async function enrol(invitation: { id: string; secret: Uint8Array }, id = randomId()) {
      const keys = await newDeviceKeys('laptop');
      return t.api.post('/api/v1/enrolments', {
        invitation: invitation.id,
        secret: invitation.secret,
        device: id,
        label: 'laptop',
        signingKey: keys.signer.publicKey,
        kemKey: keys.kem.publicKey,
        binding: randomBytes(32),
      });
    }

    test('an invitation is stored as the hash of its secret only', async () => {
      const invitation = await invite(
        t.api,
        device(t.network, 'de.officer'),
        'de.bob',
        T0 + 600,
        device(t.network, 'de.officer.2'),
      );
      const stored = await t.store.invitation(invitation.id);
      assert.deepEqual(stored?.secretHash, sha256(invitation.secret));
      assert.equal(stored?.usedAt, undefined);
    });

    test('an invitation is used once: the second use is INVITATION_USED and stores nothing', async () => {
      const invitation = await invite(
        t.api,
        device(t.network, 'de.officer'),
        'de.bob',
        T0 + 600,
        device(t.network, 'de.officer.2'),
      );
      const first = await enrol(invitation);
      assert.equal(first.status, 201, first.text);
      assert.equal(first.json.status, 'pending');
      const before = await actCounts(t.store);
      const second = await enrol(invitation);
      assert.equal(second.status, 409);
      assert.equal(second.json.error.code, 'INVITATION_USED');
      assert.deepEqual(await actCounts(t.store), before);
    });

    test('two enrolments racing on one invitation: exactly one wins', async () => {
      const invitation = await invite(
        t.api,
        device(t.network, 'de.officer'),
        'de.bob',
        T0 + 600,
        device(t.network, 'de.officer.2'),
      );
      const answers = await Promise.all([enrol(invitation), enrol(invitation), enrol(invitation)]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409, 409]);
    });

    test('an expired invitation is INVITATION_EXPIRED', async () => {
      const invitation = await invite(
        t.api,
        device(t.network, 'de.officer'),
        'de.bob',
        T0 + 60,
        device(t.network, 'de.officer.2'),
      );
      t.clock.set((T0 + 60) * 1000);
      try {
        const response = await enrol(invitation);
        assert.equal(response.status, 410);
        assert.equal(response.json.error.code, 'INVITATION_EXPIRED');
        assert.match(response.json.error.message, /ask your security officer/);
      } finally {
        t.clock.set(T0 * 1000);
      }
    });

    test("a wrong secret is FORBIDDEN, and says nothing of the invitation's state", async () => {
      const invitation = await invite(
        t.api,
        device(t.network, 'de.officer'),
        'de.bob',
        T0 + 600,
        device(t.network, 'de.officer.2'),
      );
      const response = await enrol({ id: invitation.id, secret: randomBytes(32) });
      assert.equal(response.status, 403);
      assert.equal(response.json.error.code, 'FORBIDDEN');
      // The invitation is still usable with the right secret.
      assert.equal((await enrol(invitation)).status, 201);
    });

    test('an unknown invitation is NOT_FOUND; a device id already taken is ALREADY_EXISTS', async () => {
      const unknown = await enrol({ id: randomId(), secret: randomBytes(32) });
      assert.equal(unknown.status, 404);
      const invitation = await invite(
        t.api,
        device(t.network, 'de.officer'),
        'de.bob',
        T0 + 600,
        device(t.network, 'de.officer.2'),
      );
      const taken = await enrol(invitation, device(t.network, 'de.anna').id);
      assert.equal(taken.status, 409);
      assert.equal(taken.json.error.code, 'ALREADY_EXISTS');
    });

    test("invitations are for users of the officer's own organisation, expiring within a week", async () => {
      const officer = device(t.network, 'de.officer');
      const post = (body: object) => t.api.post('/api/v1/invitations', body, { as: officer });
      const base = {
        id: randomId(),
        org: 'DE',
        user: 'de.bob',
        secretHash: randomBytes(32),
        expiresAt: T0 + 600,
      };
      assert.equal((await post({ ...base, org: 'FR', user: 'fr.dan' })).status, 403);
      const unknownUser = await post({ ...base, user: 'de.nobody' });
      assert.equal(unknownUser.status, 422);
      assert.equal(unknownUser.json.error.code, 'UNKNOWN_USER');
      assert.equal((await post({ ...base, expiresAt: T0 })).status, 400);
      assert.equal((await post({ ...base, expiresAt: T0 + MAX_INVITATION_SECONDS + 1 })).status, 400);
      const created = await confirmedAct(
        t.api,
        officer,
        device(t.network, 'de.officer.2'),
        '/api/v1/invitations',
        base,
      );
      assert.equal(created.status, 201, created.text);
      const again = await post(base);
      assert.equal(again.status, 409);
      assert.equal(again.json.error.code, 'ALREADY_EXISTS');
    });

    test('pending enrolments are listed to the officer of their organisation only', async () => {
      const fr = await t.api.get('/api/v1/enrolments?status=pending', {
        as: device(t.network, 'fr.officer'),
      });
      assert.equal(fr.status, 200);
      assert.deepEqual(fr.json.items, []);
      const de = await t.api.get('/api/v1/enrolments', { as: device(t.network, 'de.officer') });
      assert.ok(de.json.items.length >= 3);
      assert.ok(
        de.json.items.every((e: { org: string; status: string }) => e.org === 'DE' && e.status === 'pending'),
      );
      assert.equal((await t.api.get('/api/v1/enrolments', { as: device(t.network, 'de.anna') })).status, 403);
    });
  });
}
