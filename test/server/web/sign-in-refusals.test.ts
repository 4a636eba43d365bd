/**
 * Unsigned sign-in refusals (a passkey assertion made on a look-alike origin, posted by
 * anyone): they are audit events a client must be able to read and prove, they carry no
 * text the caller chose, and a flood from one source writes one event per window and is
 * then refused with 429 before any work.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseLogEvent } from '../../../src/core/log/log-event.ts';
import { backends } from '../fixtures/backends.ts';
import { lastAuditSeq } from '../fixtures/counts.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

/** An assertion as a look-alike page relays it: its client data names the look-alike. */
function relayedAssertion(origin: string) {
  const clientData = JSON.stringify({ type: 'webauthn.get', challenge: 'bm90LWlzc3VlZA', origin });
  return {
    id: 'AAAA',
    rawId: 'AAAA',
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: Buffer.from(clientData).toString('base64url'),
      authenticatorData: 'AA',
      signature: 'AA',
    },
  };
}

describe('unsigned sign-in refusals', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite);
  });
  after(async () => {
    await t?.close();
  });

  const post = (origin: string, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/web/sign-in',
      remoteAddress,
      headers: { host: 'valise.test', 'content-type': 'application/json' },
      payload: JSON.stringify({ passkey: relayedAssertion(origin) }),
    });

  test('a refusal with a 200-character look-alike origin is an event the core decoder reads', async () => {
    const seq = await lastAuditSeq(t.store);
    const origin = `https://${'a'.repeat(180)}.example`;
    const answer = await post(origin, '192.0.2.1');
    assert.equal(answer.statusCode, 401);
    assert.equal(answer.json().error.code, 'PASSKEY_WRONG_ORIGIN');
    const events = await t.store.auditEvents(seq, 100);
    assert.equal(events.length, 1);
    for (const { event } of events) {
      const decoded = parseLogEvent(event);
      assert.equal(decoded.type, 'session.refused');
      assert.equal(decoded.detail.code, 'PASSKEY_WRONG_ORIGIN');
    }
  });

  test('a flood from one source writes one event per window, no caller text, then 429', async () => {
    t.clock.advance(3600_000);
    const seq = await lastAuditSeq(t.store);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const answer = await post(`https://evil-${i}-${'x'.repeat(40)}.example`, '198.51.100.7');
      statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
    }
    assert.ok((statuses.get(429) ?? 0) > 150, `most of the flood is refused cheaply: ${[...statuses]}`);
    const flood = await t.store.auditEvents(seq, 1000);
    assert.equal(flood.length, 1, 'one event for the source in this window');
    const text = new TextDecoder().decode(flood[0]!.event);
    assert.doesNotMatch(text, /evil|xxxx/, 'nothing the caller wrote is stored');

    // Another source is not held back by the first one's flood.
    assert.equal((await post('https://other.example', '203.0.113.9')).statusCode, 401);

    // The next window: one event again, counting the refusals folded since the last one.
    t.clock.advance(3600_000);
    const next = await lastAuditSeq(t.store);
    assert.equal((await post('https://evil.example', '198.51.100.7')).statusCode, 401);
    const later = await t.store.auditEvents(next, 1000);
    assert.equal(later.length, 1);
    const event = parseLogEvent(later[0]!.event);
    assert.equal(event.detail.suppressed, 199);
  });
});
