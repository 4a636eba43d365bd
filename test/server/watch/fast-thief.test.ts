/**
 * The 2018 scenario against a real server on each backend: a diplomat's command-line key
 * file is copied and the copy reads everything it can at machine speed. The watch stops it
 * within thirty cables, the officer's live stream gets the alert, the device stays stopped
 * until an officer releases it (with a reason, in the log), and a registry device reading
 * all of its organisation's traffic is never stopped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes, toBase64url } from '../../../src/core/encoding/bytes.ts';
import { openDirectory } from '../../../src/core/identity/directory.ts';
import { signRequest } from '../../../src/core/wire/sign-request.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts, auditTypesAfter, lastAuditSeq } from '../fixtures/counts.ts';
import { device, type TestDevice } from '../fixtures/network.ts';
import { nextSequence } from '../fixtures/sequence.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../fixtures/test-cable.ts';

const CABLES = 60;

interface StreamEvent {
  readonly type: string;
  readonly data: { readonly object: { readonly id: string }; readonly detail: Record<string, unknown> };
}

/** Opens the officer's live stream over real HTTP and collects its events. */
async function openStream(address: string, origin: string, officer: TestDevice, now: number) {
  // Signed for the node's origin, sent to the address it listens on.
  const url = `${address}/api/v1/watch/stream`;
  const headers = await signRequest(
    { method: 'GET', url: `${origin}/api/v1/watch/stream`, headers: {} },
    {
      keyId: officer.id,
      signer: officer.signer,
      now,
      nonce: toBase64url(randomBytes(16)),
      sequence: nextSequence(officer.id),
    },
  );
  const abort = new AbortController();
  const response = await fetch(url, { headers: { ...headers }, signal: abort.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events: StreamEvent[] = [];
  const waiters: (() => void)[] = [];
  const reading = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(message)?.[1];
          const data = /^data: (.+)$/m.exec(message)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) });
          for (const wake of waiters.splice(0)) wake();
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    events,
    async waitFor(type: string, device: string): Promise<StreamEvent> {
      for (let tries = 0; tries < 600; tries++) {
        const found = events.find((e) => e.type === type && e.data.object.id === device);
        if (found) return found;
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      throw new Error(`no ${type} for ${device} on the stream; saw ${events.map((e) => e.type).join(', ')}`);
    },
    async close() {
      abort.abort();
      await reading;
    },
  };
}

for (const backend of await backends()) {
  describe(`the watch stops a copied key file (${backend.name})`, { skip: backend.skip }, () => {
    let t: TestApp;
    let origin: string;
    const ids: string[] = [];

    before(async () => {
      t = await startTestApp(backend);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const directory = await openDirectory(t.network.root, t.network.entries);
      const anna = device(t.network, 'de.anna');
      for (let i = 0; i < CABLES; i++) {
        const cable = await testCable(directory, {
          sender: anna,
          distribution: [{ org: 'FR', role: 'action' }],
          groups: ['COEST'],
          ...(await nextPosition(t.api, anna)),
        });
        const sent = await t.api.post('/api/v1/cables', cableBody(cable), { as: anna });
        assert.equal(sent.status, 201, sent.text);
        ids.push(cable.header.id);
      }
    });
    after(async () => {
      await t?.close();
    });

    test('a machine-speed scrape is stopped within 30 cables, the officer sees it live, and it stays stopped', async () => {
      const officer = device(t.network, 'fr.officer');
      const thief = device(t.network, 'fr.claire');
      const now = Math.floor(t.clock.now() / 1000);
      const stream = await openStream(origin, t.api.transport.origin, officer, now);
      try {
        let served = 0;
        const refused: string[] = [];
        for (const id of ids) {
          const got = await t.api.get(`/api/v1/cables/${id}`, { as: thief });
          if (got.status === 200) served++;
          else refused.push(`${got.status} ${got.json?.error?.code ?? got.text}`);
        }
        assert.ok(served >= 10, `a person's burst is served (${served})`);
        assert.ok(served <= 30, `served ${served} cables before the stop`);
        // A command-line device has no passkey to touch: it is held for an officer.
        assert.match(refused[0] ?? '', /^403 DEVICE_HELD$/);
        assert.equal(refused.length, CABLES - served);

        const alert = await stream.waitFor('watch.alert', thief.id);
        assert.equal(alert.data.detail.kind, 'cable');
        const held = await stream.waitFor('watch.held', thief.id);
        assert.equal(held.data.detail.window, 'minute');

        // Every request of the device is refused, in words that say whom to call.
        const inbox = await t.api.get('/api/v1/inbox', { as: thief });
        assert.equal(inbox.status, 403);
        assert.equal(inbox.json.error.code, 'DEVICE_HELD');
        assert.match(inbox.json.error.message, /security officer of FR/);

        // The officer sees the device held, and releases it with a reason that is logged.
        const listed = await t.api.get('/api/v1/watch/devices', { as: officer });
        assert.equal(listed.status, 200);
        const row = listed.json.items.find((d: { device: string }) => d.device === thief.id);
        assert.equal(row.state, 'held');
        const released = await t.api.post(
          `/api/v1/watch/devices/${thief.id}/release`,
          { reason: 'Claire confirmed the morning triage by phone' },
          { as: officer },
        );
        assert.equal(released.status, 200, released.text);
        await stream.waitFor('watch.released', thief.id);
        const again = await t.api.get(`/api/v1/cables/${ids[0]}`, { as: thief });
        assert.equal(again.status, 200);
      } finally {
        await stream.close();
      }
    });

    test('the officer can suspend a device outright; its owner cannot lift it', async () => {
      const officer = device(t.network, 'fr.officer');
      const dan = device(t.network, 'fr.dan');
      const suspended = await t.api.post(
        `/api/v1/watch/devices/${dan.id}/suspend`,
        { reason: 'laptop reported stolen' },
        { as: officer },
      );
      assert.equal(suspended.status, 200, suspended.text);
      const tried = await t.api.post(
        `/api/v1/watch/devices/${dan.id}/release`,
        { reason: 'it is mine' },
        { as: dan },
      );
      assert.equal(tried.status, 403);
      assert.equal(tried.json.error.code, 'DEVICE_SUSPENDED');
    });

    test('a registry device fetching all its organisation’s traffic is never stopped', async () => {
      const registry = device(t.network, 'fr.registry');
      for (const id of ids) {
        const got = await t.api.get(`/api/v1/cables/${id}`, { as: registry });
        assert.equal(got.status, 200, got.text);
      }
    });

    test('officers act on their own organisation only, with a reason; bad input changes nothing', async () => {
      const claire = device(t.network, 'fr.claire');
      const before = await actCounts(t.store);
      const seq = await lastAuditSeq(t.store);
      const cases: [TestDevice, string, unknown, number, string][] = [
        [
          device(t.network, 'de.officer'),
          `/api/v1/watch/devices/${claire.id}/suspend`,
          { reason: 'not mine' },
          403,
          'FORBIDDEN',
        ],
        [
          device(t.network, 'fr.dan'),
          `/api/v1/watch/devices/${claire.id}/suspend`,
          { reason: 'a colleague' },
          403,
          'DEVICE_SUSPENDED',
        ],
        [
          device(t.network, 'fr.officer'),
          `/api/v1/watch/devices/${claire.id}/release`,
          { reason: 'me' },
          400,
          'OUT_OF_RANGE',
        ],
        [
          device(t.network, 'fr.officer'),
          `/api/v1/watch/devices/${claire.id}/suspend`,
          {},
          400,
          'MISSING_FIELD',
        ],
        [
          device(t.network, 'fr.officer'),
          `/api/v1/watch/devices/${'A'.repeat(22)}/suspend`,
          { reason: 'who?' },
          404,
          'NOT_FOUND',
        ],
        [
          device(t.network, 'fr.officer'),
          `/api/v1/watch/devices/${device(t.network, 'fr.officer').id}/suspend`,
          { reason: 'myself' },
          403,
          'FORBIDDEN',
        ],
      ];
      for (const [as, target, body, status, code] of cases) {
        const got = await t.api.post(target, body, { as });
        assert.equal(got.status, status, `${as.id} ${target}: ${got.text}`);
        assert.equal(got.json.error.code, code, `${as.id} ${target}`);
      }
      const hostile = [
        { thresholds: { alert: { minute: -1 } } },
        { thresholds: 'lots' },
        {
          thresholds: {
            alert: { minute: 50, '10 minutes': 50, hour: 50, day: 50 },
            'step-up': { minute: 5, '10 minutes': 50, hour: 50, day: 50 },
            suspend: { minute: 60, '10 minutes': 60, hour: 60, day: 60 },
          },
        },
      ];
      const officer = device(t.network, 'fr.officer');
      for (const body of hostile) {
        const got = await t.api.send('PUT', '/api/v1/watch/thresholds/member', { body, as: officer });
        assert.equal(got.status, 400, got.text);
      }
      const byMember = await t.api.send('PUT', '/api/v1/watch/thresholds/member', {
        body: { thresholds: { alert: {}, 'step-up': {}, suspend: {} } },
        as: device(t.network, 'fr.registry'),
      });
      assert.equal(byMember.status, 403);
      assert.deepEqual(await actCounts(t.store), before);
      // Only refusals are on record: nothing the watch does was written.
      const written = await auditTypesAfter(t.store, seq);
      assert.ok(
        written.every((type) => type === 'request.refused'),
        written.join(', '),
      );
    });
  });
}
