/**
 * The small resources: GET /network, GET /orgs/:org/head, GET /devices, and what every
 * answer carries (security headers, the error shape). On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toBase64url } from '../../../src/core/encoding/bytes.ts';
import { SECURITY_HEADERS } from '../../../src/server/security-headers.ts';
import { backends } from '../fixtures/backends.ts';
import { device } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, hashOf, nextPosition, testCable } from '../fixtures/test-cable.ts';

for (const backend of await backends()) {
  describe(`network, heads and devices on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    test('GET /network tells a client what to pin', async () => {
      const response = await t.api.get('/api/v1/network');
      assert.equal(response.status, 200);
      assert.deepEqual(response.json, {
        network: 'test',
        rootKey: toBase64url(t.network.root.key),
        accreditation: 'CONFIDENTIEL UE',
        serverKey: toBase64url(t.serverSigner.publicKey),
        epoch: t.network.entries.length,
      });
    });

    test('every answer carries the security headers, errors and unknown routes included', async () => {
      const answers = [
        await t.api.get('/api/v1/network'),
        await t.api.get('/api/v1/inbox'),
        await t.api.get('/api/v1/nowhere'),
        await t.api.post('/api/v1/cables', 'x', {
          contentType: 'text/plain',
          as: device(t.network, 'de.anna'),
        }),
      ];
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 401, 404, 415],
      );
      for (const answer of answers) {
        for (const [name, value] of Object.entries(SECURITY_HEADERS))
          assert.equal(answer.headers[name], value, name);
        assert.match(String(answer.headers['content-type']), /^application\/json/);
      }
      assert.equal(answers[2]!.json.error.code, 'NOT_FOUND');
      assert.equal(answers[3]!.json.error.code, 'UNSUPPORTED_MEDIA_TYPE');
    });

    test("an organisation's head is served to its own devices only", async () => {
      const anna = device(t.network, 'de.anna');
      const empty = await t.api.get('/api/v1/orgs/DE/head', { as: anna });
      assert.deepEqual(empty.json, { serial: 0, year: 2026, hash: null });
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'info' }],
        ...(await nextPosition(t.api, anna)),
      });
      assert.equal((await t.api.post('/api/v1/cables', cableBody(cable), { as: anna })).status, 201);
      const head = await t.api.get('/api/v1/orgs/DE/head', { as: device(t.network, 'de.bob') });
      assert.deepEqual(head.json, { serial: 1, year: 2026, hash: toBase64url(hashOf(cable)) });
      // Next year starts at serial 0 again, chained to the last cable.
      const nextYear = await t.api.get('/api/v1/orgs/DE/head?year=2027', { as: anna });
      assert.deepEqual(nextYear.json, { serial: 0, year: 2027, hash: toBase64url(hashOf(cable)) });
      const other = await t.api.get('/api/v1/orgs/DE/head', { as: device(t.network, 'fr.claire') });
      assert.equal(other.status, 403);
      assert.equal((await t.api.get('/api/v1/orgs/de/head', { as: anna })).status, 400);
    });

    test("devices are listed to the org's officers and the network authority, with their state", async () => {
      const officer = await t.api.get('/api/v1/devices', { as: device(t.network, 'de.officer') });
      assert.equal(officer.status, 200);
      const states = Object.fromEntries(
        officer.json.items.map((d: { label: string; status: string }) => [d.label, d.status]),
      );
      assert.equal(states['de.anna'], 'active');
      assert.equal(states['de.anna.old'], 'revoked');
      assert.ok(officer.json.items.every((d: { user: string }) => d.user.startsWith('de.')));
      const authority = await t.api.get('/api/v1/devices?org=FR', { as: device(t.network, 'cy.authority') });
      assert.equal(authority.status, 200);
      assert.ok(authority.json.items.length >= 4);
      assert.equal(
        (await t.api.get('/api/v1/devices?org=FR', { as: device(t.network, 'de.officer') })).status,
        403,
      );
      assert.equal((await t.api.get('/api/v1/devices', { as: device(t.network, 'de.anna') })).status, 403);
    });
  });
}
