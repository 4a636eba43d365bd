/**
 * POST /cables with a reply-to: a reply is never classified lower than the cable it replies
 * to, when the replying organisation sent or received that cable (server/check-reply.ts).
 * Refused with 422 REPLY_DOWNGRADE and nothing stored. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Classification } from '../../../src/core/identity/classification.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts } from '../fixtures/counts.ts';
import { device } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

for (const backend of await backends()) {
  describe(`replies on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    async function send(
      name: string,
      to: string,
      classification: Classification,
      replyTo?: string,
    ): Promise<{ status: number; code?: string; reference?: string; message?: string }> {
      const sender = device(t.network, name);
      const cable = await testCable(t.directory, {
        sender,
        distribution: [{ org: to, role: 'action' }],
        classification,
        ...(await nextPosition(t.api, sender)),
        ...(replyTo ? { replyTo } : {}),
      });
      const response = await t.api.post('/api/v1/cables', cableBody(cable), { as: sender });
      return {
        status: response.status,
        code: response.json?.error?.code,
        message: response.json?.error?.message,
        reference: response.json?.receipt?.reference,
      };
    }

    test('a reply below the original is 422 REPLY_DOWNGRADE, naming both levels, and nothing is stored', async () => {
      const original = await send('fr.claire', 'DE', 'CONFIDENTIEL UE');
      assert.equal(original.status, 201);
      const before = await actCounts(t.store);
      const reply = await send('de.anna', 'FR', 'RESTREINT UE', original.reference);
      assert.equal(reply.status, 422);
      assert.equal(reply.code, 'REPLY_DOWNGRADE');
      assert.match(reply.message ?? '', /CONFIDENTIEL UE/);
      assert.deepEqual(await actCounts(t.store), before);
    });

    test('a reply at the same level or higher is accepted', async () => {
      const restricted = await send('fr.claire', 'DE', 'RESTREINT UE');
      assert.equal((await send('de.anna', 'FR', 'RESTREINT UE', restricted.reference)).status, 201);
      assert.equal((await send('de.anna', 'FR', 'CONFIDENTIEL UE', restricted.reference)).status, 201);
    });

    test("the sender's organisation is held to it too, on its own cable", async () => {
      const original = await send('fr.claire', 'DE', 'CONFIDENTIEL UE');
      const reply = await send('fr.dan', 'DE', 'UNCLASSIFIED', original.reference);
      assert.equal(reply.code, 'REPLY_DOWNGRADE');
    });

    test('a reply to a reference the server does not hold passes', async () => {
      assert.equal((await send('de.anna', 'FR', 'UNCLASSIFIED', 'FR/999/26')).status, 201);
    });

    test('an organisation that neither sent nor received the original learns nothing of its level', async () => {
      const original = await send('fr.claire', 'DE', 'CONFIDENTIEL UE');
      const reply = await send('cy.eva', 'FR', 'UNCLASSIFIED', original.reference);
      assert.equal(reply.status, 201, reply.message);
    });
  });
}
