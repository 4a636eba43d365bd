/**
 * Acknowledgements: once per addressee organisation, and the sender's organisation sees who
 * has and who has not. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../fixtures/backends.ts';
import { actCounts, auditTypesAfter, lastAuditSeq } from '../fixtures/counts.ts';
import { device, T0 } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

for (const backend of await backends()) {
  describe(`acknowledgements on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let id: string;
    before(async () => {
      t = await startTestApp(backend);
      const anna = device(t.network, 'de.anna');
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [
          { org: 'CY', role: 'info' },
          { org: 'FR', role: 'action' },
        ],
        ...(await nextPosition(t.api, anna)),
      });
      assert.equal((await t.api.post('/api/v1/cables', cableBody(cable), { as: anna })).status, 201);
      id = cable.header.id;
    });
    after(async () => {
      await t?.close();
    });

    test('an addressee acknowledges once; a second device of its org gets the standing acknowledgement', async () => {
      const seq = await lastAuditSeq(t.store);
      const first = await t.api.post(`/api/v1/cables/${id}/ack`, undefined, {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(first.status, 201, first.text);
      assert.deepEqual(first.json, {
        org: 'FR',
        user: 'fr.claire',
        device: device(t.network, 'fr.claire').id,
        at: T0,
      });
      t.clock.advance(60_000);
      try {
        const second = await t.api.post(
          `/api/v1/cables/${id}/ack`,
          {},
          { as: device(t.network, 'fr.registry') },
        );
        assert.equal(second.status, 200);
        assert.deepEqual(second.json, first.json);
      } finally {
        t.clock.set(T0 * 1000);
      }
      assert.deepEqual(await auditTypesAfter(t.store, seq), ['cable.acknowledged']);
    });

    test("the sender's organisation sees who has acknowledged and who has not", async () => {
      for (const name of ['de.anna', 'de.registry']) {
        const response = await t.api.get(`/api/v1/cables/${id}/acks`, { as: device(t.network, name) });
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json.items, [
          { org: 'CY', role: 'info', acknowledged: false, overdue: false },
          {
            org: 'FR',
            role: 'action',
            acknowledged: true,
            by: { user: 'fr.claire', device: device(t.network, 'fr.claire').id },
            at: T0,
            overdue: false,
          },
        ]);
        // A ROUTINE cable has no deadline.
        assert.equal(response.json.precedence, 'ROUTINE');
        assert.equal(response.json.limit, undefined);
      }
      const addressee = await t.api.get(`/api/v1/cables/${id}/acks`, { as: device(t.network, 'fr.claire') });
      assert.equal(addressee.status, 403);
    });

    test('only addressees acknowledge; a device without the cable gets 404', async () => {
      const before = await actCounts(t.store);
      const sender = await t.api.post(`/api/v1/cables/${id}/ack`, undefined, {
        as: device(t.network, 'de.registry'),
      });
      assert.equal(sender.status, 403);
      assert.equal(sender.json.error.code, 'FORBIDDEN');
      const stranger = await t.api.post(`/api/v1/cables/${id}/ack`, undefined, {
        as: device(t.network, 'de.carl'),
      });
      assert.equal(stranger.status, 404);
      const body = await t.api.post(
        `/api/v1/cables/${id}/ack`,
        { note: 'x' },
        { as: device(t.network, 'cy.eva') },
      );
      assert.equal(body.status, 400);
      assert.deepEqual(await actCounts(t.store), before);
    });
  });
}
