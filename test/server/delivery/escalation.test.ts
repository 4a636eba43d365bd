/**
 * The sender's delivery board and escalation by precedence (docs/design.md §2), on every
 * backend, with the clock injected: delivered is the first fetch by a device of the
 * organisation; an action addressee that has not acknowledged by its precedence's limit is
 * escalated once (a `cable.overdue` event), never an info addressee, an acknowledged one or
 * a ROUTINE cable; two app processes over one database escalate once; the live inbox
 * carries the notice to the addressee's registry and to the sender.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serverSentEvents } from '../../../src/client/server-sent-events.ts';
import { DEFAULT_ESCALATION_LIMITS } from '../../../src/core/cable/escalation.ts';
import type { Precedence } from '../../../src/core/cable/precedence.ts';
import { randomBytes, toBase64url } from '../../../src/core/encoding/bytes.ts';
import { parseLogEvent } from '../../../src/core/log/log-event.ts';
import { signRequest } from '../../../src/core/wire/sign-request.ts';
import { escalateOverdue } from '../../../src/server/delivery/escalate-overdue.ts';
import type { Store } from '../../../src/server/store/store.ts';
import { backends } from '../fixtures/backends.ts';
import { device, T0 } from '../fixtures/network.ts';
import { nextSequence } from '../fixtures/sequence.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

const MINUTE = 60;
const limits = { escalation: DEFAULT_ESCALATION_LIMITS };

/** The `cable.overdue` events in the log, as `<cable>/<org>` pairs, oldest first. */
async function overdueEvents(store: Store): Promise<{ cable: string; org: string; detail: unknown }[]> {
  const events = await store.auditEvents(0, Number.MAX_SAFE_INTEGER);
  return events
    .filter((e) => e.type === 'cable.overdue')
    .map((e) => parseLogEvent(e.event))
    .map((e) => ({ cable: e.object.id, org: String(e.detail.org), detail: e.detail }));
}

for (const backend of await backends()) {
  describe(`delivery board and escalation on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const ids = new Map<string, string>();
    const at = (seconds: number) => t.clock.set((T0 + seconds) * 1000);
    const run = () => escalateOverdue({ store: t.store, clock: t.clock, limits });

    async function send(
      name: string,
      precedence: Precedence,
      distribution: { org: string; role: 'action' | 'info' }[],
    ) {
      const anna = device(t.network, 'de.anna');
      const cable = await testCable(t.directory, {
        sender: anna,
        precedence,
        distribution,
        sentAt: Math.floor(t.clock.now() / 1000),
        ...(await nextPosition(t.api, anna)),
      });
      const sent = await t.api.post('/api/v1/cables', cableBody(cable), { as: anna });
      assert.equal(sent.status, 201, sent.text);
      ids.set(name, cable.header.id);
    }

    const board = async (name: string) => {
      const response = await t.api.get(`/api/v1/cables/${ids.get(name)}/acks`, {
        as: device(t.network, 'de.anna'),
      });
      assert.equal(response.status, 200, response.text);
      return response.json;
    };
    const row = async (name: string, org: string) =>
      (await board(name)).items.find((i: { org: string }) => i.org === org);

    before(async () => {
      t = await startTestApp(backend);
      // All accepted at T0 (Monday 2 March 2026, 11:00 in Brussels).
      await send('flash', 'FLASH', [
        { org: 'CY', role: 'info' },
        { org: 'FR', role: 'action' },
      ]);
      await send('immediate', 'IMMEDIATE', [
        { org: 'CY', role: 'action' },
        { org: 'FR', role: 'action' },
      ]);
      await send('routine', 'ROUTINE', [{ org: 'FR', role: 'action' }]);
      await send('priority', 'PRIORITY', [{ org: 'FR', role: 'action' }]);
      const ack = await t.api.post(`/api/v1/cables/${ids.get('immediate')}/ack`, undefined, {
        as: device(t.network, 'fr.claire'),
      });
      assert.equal(ack.status, 201, ack.text);
    });
    after(async () => {
      await t?.close();
    });

    test('delivered is the first fetch by a device of the organisation, and stays the first', async () => {
      assert.equal((await row('flash', 'FR')).delivered, undefined);
      at(1 * MINUTE);
      const fetched = await t.api.get(`/api/v1/cables/${ids.get('flash')}`, {
        as: device(t.network, 'fr.dan'),
      });
      assert.equal(fetched.status, 200, fetched.text);
      at(2 * MINUTE);
      const again = await t.api.get(`/api/v1/cables/${ids.get('flash')}`, {
        as: device(t.network, 'fr.registry'),
      });
      assert.equal(again.status, 200, again.text);
      const fr = await row('flash', 'FR');
      assert.deepEqual(fr.delivered, { at: T0 + MINUTE, device: device(t.network, 'fr.dan').id });
      assert.equal(fr.acknowledged, false);
      assert.equal(fr.due, T0 + 10 * MINUTE);
      assert.equal(fr.overdue, false);
      const cy = await row('flash', 'CY');
      assert.equal(cy.delivered, undefined);
      assert.equal(cy.due, undefined, 'an info addressee has no deadline');
      const whole = await board('flash');
      assert.equal(whole.precedence, 'FLASH');
      assert.deepEqual(whole.limit, { amount: 10, unit: 'minutes' });
    });

    test('a FLASH cable escalates at its limit, once, for the action addressee only', async () => {
      at(10 * MINUTE - 1);
      assert.equal(await run(), 0, 'not before the limit');
      assert.equal((await row('flash', 'FR')).overdue, false);
      at(10 * MINUTE);
      assert.equal(await run(), 1);
      assert.equal(await run(), 0, 'once');
      at(30 * MINUTE);
      assert.equal(await run(), 0, 'still once');
      const events = await overdueEvents(t.store);
      assert.deepEqual(
        events.map((e) => `${e.cable}/${e.org}`),
        [`${ids.get('flash')}/FR`],
      );
      assert.deepEqual(events[0]?.detail, {
        reference: 'DE/1/26',
        org: 'FR',
        precedence: 'FLASH',
        limit: '10 min',
        due: T0 + 10 * MINUTE,
      });
      const fr = await row('flash', 'FR');
      assert.equal(fr.overdue, true);
      assert.equal(fr.escalated, T0 + 10 * MINUTE);
      const cy = await row('flash', 'CY');
      assert.equal(cy.overdue, false, 'an info addressee is never overdue');
    });

    test('an acknowledged action addressee is not escalated; the other one is', async () => {
      at(60 * MINUTE);
      assert.equal(await run(), 1);
      const events = await overdueEvents(t.store);
      assert.deepEqual(
        events.map((e) => `${e.cable}/${e.org}`),
        [`${ids.get('flash')}/FR`, `${ids.get('immediate')}/CY`],
      );
      assert.equal((await row('immediate', 'FR')).overdue, false);
      assert.equal((await row('immediate', 'CY')).overdue, true);
    });

    test('an acknowledgement stored without its leaf (before it was kept) is found by its event', async () => {
      const cable = await t.store.cable(ids.get('immediate')!);
      const [ack] = await t.store.acks(cable!.seq);
      assert.ok(ack?.leaf !== undefined);
      const { leaf, ...legacy } = ack;
      assert.equal(await t.store.deliveries.ackLeaf(cable!, legacy), leaf);
      assert.equal(await t.store.deliveries.ackLeaf(cable!, { ...legacy, at: legacy.at + 1 }), undefined);
    });

    test('PRIORITY is due one working day later in the addressee’s working hours; ROUTINE never', async () => {
      // Monday 11:00 in Brussels + 13 working hours (07:00–20:00) = Tuesday 11:00.
      const due = T0 + 86_400;
      assert.equal((await row('priority', 'FR')).due, due);
      at(86_400 - 1);
      assert.equal(await run(), 0);
      at(86_400);
      assert.equal(await run(), 1);
      at(20 * 86_400);
      assert.equal(await run(), 0, 'ROUTINE never escalates, however late');
      const events = await overdueEvents(t.store);
      assert.deepEqual(
        events.map((e) => e.cable),
        [ids.get('flash'), ids.get('immediate'), ids.get('priority')],
      );
      assert.equal((await row('routine', 'FR')).overdue, false);
    });

    // Scale-out is over PostgreSQL (docs/design.md §7): there, a second store is a second app
    // process's; SQLite has one process, whose runs may still overlap.
    test('two app processes over one database (or two overlapping runs) escalate a cable once', async () => {
      at(21 * 86_400);
      await send('race', 'FLASH', [{ org: 'FR', role: 'action' }]);
      const second = backend.name === 'postgres' ? await t.database.open() : t.store;
      try {
        at(21 * 86_400 + 11 * MINUTE);
        const runs = await Promise.all([
          run(),
          escalateOverdue({ store: second, clock: t.clock, limits }),
          run(),
          escalateOverdue({ store: second, clock: t.clock, limits }),
        ]);
        assert.equal(
          runs.reduce((a, b) => a + b, 0),
          1,
        );
      } finally {
        if (second !== t.store) await second.close();
      }
      const raced = (await overdueEvents(t.store)).filter((e) => e.cable === ids.get('race'));
      assert.equal(raced.length, 1);
    });

    test('the notice reaches the addressee’s registry and the sender, not other members', async () => {
      const hears = async (user: string, org: string, registry: boolean) =>
        (await t.store.deliveries.notices({ org, user, registry, after: 0, limit: 100 })).map(
          (n) => `${n.reference}/${n.org}`,
        );
      assert.deepEqual(await hears('fr.registry', 'FR', true), ['DE/1/26/FR', 'DE/4/26/FR', 'DE/5/26/FR']);
      assert.deepEqual(await hears('de.anna', 'DE', false), [
        'DE/1/26/FR',
        'DE/2/26/CY',
        'DE/4/26/FR',
        'DE/5/26/FR',
      ]);
      assert.deepEqual(await hears('de.registry', 'DE', true), await hears('de.anna', 'DE', false));
      assert.deepEqual(await hears('de.carl', 'DE', false), [], 'another member of the sending organisation');
      assert.deepEqual(await hears('fr.claire', 'FR', false), [], 'a member of the late organisation');
    });

    test('the live inbox stream carries an overdue notice to the addressee’s registry', async () => {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const registry = device(t.network, 'fr.registry');
      const target = '/api/v1/inbox/stream';
      const headers = await signRequest(
        { method: 'GET', url: `${t.api.transport.origin}${target}`, headers: {} },
        {
          keyId: registry.id,
          signer: registry.signer,
          now: Math.floor(t.clock.now() / 1000),
          nonce: toBase64url(randomBytes(16)),
          sequence: nextSequence(registry.id),
        },
      );
      const abort = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}${target}`, {
        headers: { ...headers },
        signal: abort.signal,
      });
      assert.equal(response.status, 200);
      try {
        // The stream is open (it has read where notices stand): a new escalation now.
        await send('late', 'IMMEDIATE', [{ org: 'FR', role: 'action' }]);
        at(22 * 86_400 + 61 * MINUTE);
        assert.equal(await run(), 1);
        const body = response.body;
        assert.ok(body);
        for await (const message of serverSentEvents(body)) {
          if (message.event !== 'overdue') continue;
          const notice = JSON.parse(message.data);
          assert.equal(notice.id, ids.get('late'));
          assert.equal(notice.reference, 'DE/6/26');
          assert.equal(notice.precedence, 'IMMEDIATE');
          assert.equal(notice.org, 'FR');
          assert.equal(notice.from, 'DE');
          assert.deepEqual(notice.limit, { amount: 1, unit: 'hours' });
          assert.equal(message.id, '', 'a notice moves no resume position');
          break;
        }
      } finally {
        abort.abort();
      }
    });
  });
}
