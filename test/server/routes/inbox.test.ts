/**
 * GET /inbox: per device, newest first, cursor paging and filters. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../fixtures/backends.ts';
import { device, T0 } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

const PRECEDENCES = ['ROUTINE', 'PRIORITY', 'IMMEDIATE', 'FLASH'] as const;

for (const backend of await backends()) {
  describe(`/inbox on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const sent: string[] = [];
    before(async () => {
      t = await startTestApp(backend);
      const anna = device(t.network, 'de.anna');
      // 12 cables from DE to FR (action) and CY (info), one second apart.
      for (let i = 0; i < 12; i++) {
        t.clock.set((T0 + i) * 1000);
        const cable = await testCable(t.directory, {
          sender: anna,
          distribution: [
            { org: 'CY', role: 'info' },
            { org: 'FR', role: 'action' },
          ],
          precedence: PRECEDENCES[i % 4]!,
          classification: i % 3 === 0 ? 'UNCLASSIFIED' : 'RESTREINT UE',
          sentAt: T0 + i,
          ...(await nextPosition(t.api, anna)),
        });
        const response = await t.api.post('/api/v1/cables', cableBody(cable), { as: anna });
        assert.equal(response.status, 201, response.text);
        sent.push(cable.header.id);
      }
    });
    after(async () => {
      await t?.close();
    });

    test('the inbox lists the cables wrapped for this device, newest first, with its role', async () => {
      const roles = {
        'fr.claire': 'action',
        'cy.eva': 'info',
        'de.anna': 'sender',
        'de.registry': 'registry',
      };
      for (const [name, role] of Object.entries(roles)) {
        const response = await t.api.get('/api/v1/inbox', { as: device(t.network, name) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(
          response.json.items.map((i: { id: string }) => i.id),
          [...sent].reverse(),
          name,
        );
        assert.ok(
          response.json.items.every((i: { role: string }) => i.role === role),
          name,
        );
        assert.equal(response.json.next, undefined);
      }
      const first = (await t.api.get('/api/v1/inbox?limit=1', { as: device(t.network, 'fr.claire') })).json
        .items[0];
      assert.equal(first.reference, 'DE/12/26');
      assert.equal(first.acknowledged, false);
      assert.equal(first.header.id, sent.at(-1));
      assert.equal(typeof first.signature, 'string');
      // Not entitled: the other group's member and the uncleared member see only unclassified cables.
      const bob = await t.api.get('/api/v1/inbox', { as: device(t.network, 'de.bob') });
      assert.deepEqual(bob.json.items, []);
    });

    test('pages follow the cursor to the end, each cable once', async () => {
      const claire = device(t.network, 'fr.claire');
      const seen: string[] = [];
      let target = '/api/v1/inbox?limit=5';
      for (let pages = 0; pages < 10; pages++) {
        const response = await t.api.get(target, { as: claire });
        assert.equal(response.status, 200);
        seen.push(...response.json.items.map((i: { id: string }) => i.id));
        if (!response.json.next) break;
        target = `/api/v1/inbox?limit=5&before=${response.json.next}`;
      }
      assert.deepEqual(seen, [...sent].reverse());
    });

    test('filters: precedence, classification, unacknowledged and since', async () => {
      const claire = device(t.network, 'fr.claire');
      const ids = async (query: string) =>
        (await t.api.get(`/api/v1/inbox?${query}`, { as: claire })).json.items.map(
          (i: { id: string }) => i.id,
        );
      assert.deepEqual(await ids('precedence=FLASH'), [sent[11], sent[7], sent[3]]);
      assert.deepEqual(await ids('classification=UNCLASSIFIED'), [sent[9], sent[6], sent[3], sent[0]]);
      assert.deepEqual(await ids(`since=${T0 + 10}`), [sent[11], sent[10]]);
      assert.deepEqual(await ids('precedence=FLASH&classification=UNCLASSIFIED'), [sent[3]]);
      const ack = await t.api.post(`/api/v1/cables/${sent[11]}/ack`, undefined, { as: claire });
      assert.equal(ack.status, 201);
      const unacked = await ids('unacknowledged=1');
      assert.equal(unacked.length, 11);
      assert.ok(!unacked.includes(sent[11]));
      // FR's acknowledgement shows on FR's other devices, not on CY's.
      const registry = await t.api.get('/api/v1/inbox?limit=2', { as: device(t.network, 'fr.registry') });
      assert.equal(registry.json.items[0].acknowledged, true);
      const eva = await t.api.get('/api/v1/inbox?limit=1', { as: device(t.network, 'cy.eva') });
      assert.equal(eva.json.items[0].acknowledged, false);
      // Every reader sees how many organisations acknowledged: one, FR.
      assert.equal(eva.json.items[0].acks, 1);
      assert.equal(registry.json.items[1].acks, 0);
    });

    test('bad queries are 400 with the field named', async () => {
      const claire = device(t.network, 'fr.claire');
      const cases: [string, string][] = [
        ['limit=0', 'OUT_OF_RANGE'],
        ['limit=101', 'OUT_OF_RANGE'],
        ['limit=05', 'INVALID_VALUE'],
        ['limit=1&limit=2', 'DUPLICATE_KEY'],
        ['before=not-a-cursor', 'INVALID_VALUE'],
        ['precedence=URGENT', 'INVALID_VALUE'],
        ['classification=TRES%20SECRET%20UE', 'INVALID_VALUE'],
        ['unacknowledged=yes', 'INVALID_VALUE'],
        ['since=-1', 'INVALID_VALUE'],
        ['sort=asc', 'UNKNOWN_FIELD'],
        ['__proto__=1', 'UNKNOWN_FIELD'],
        ['limit=%ZZ', 'MALFORMED'],
      ];
      for (const [query, code] of cases) {
        const response = await t.api.get(`/api/v1/inbox?${query}`, { as: claire });
        assert.equal(response.status, 400, query);
        assert.equal(response.json.error.code, code, query);
      }
    });
  });
}
