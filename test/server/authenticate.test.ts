/**
 * Request authentication around the core verifier: the per-device rate limit (keyed on the
 * device, not the address), the bounded audit of refused requests, and what a device that
 * is not in force is told — pending, unknown or revoked — each only to the holder of its key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './fixtures/backends.ts';
import { auditTypesAfter, lastAuditSeq } from './fixtures/counts.ts';
import { invite, newDeviceKeys } from './fixtures/enrol.ts';
import { device, type TestDevice } from './fixtures/network.ts';
import { TestApi, type Transport } from './fixtures/test-api.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

describe('rate limits and refusal audits', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite, {
      deps: {
        rateLimit: { capacity: 3, refillPerSecond: 1 },
        refusalAuditLimit: { capacity: 2, refillPerSecond: 1 },
      },
    });
  });
  after(async () => {
    await t?.close();
  });

  test('a device over its rate gets 429 RATE_LIMITED; another device from the same address does not', async () => {
    const anna = device(t.network, 'de.anna');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.api.get('/api/v1/inbox', { as: anna })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await t.api.get('/api/v1/inbox', { as: anna });
    assert.equal(limited.json.error.code, 'RATE_LIMITED');
    assert.equal((await t.api.get('/api/v1/inbox', { as: device(t.network, 'fr.claire') })).status, 200);
    t.clock.advance(1000);
    assert.equal((await t.api.get('/api/v1/inbox', { as: anna })).status, 200);
  });

  test('a flood of refused requests from a known device writes a bounded number of events, then one that counts the rest', async () => {
    const seq = await lastAuditSeq(t.store);
    const revoked = device(t.network, 'de.anna.old');
    for (let i = 0; i < 10; i++)
      assert.equal((await t.api.get('/api/v1/inbox', { as: revoked })).status, 403);
    assert.deepEqual(await auditTypesAfter(t.store, seq), ['request.refused', 'request.refused']);
    t.clock.advance(1000);
    assert.equal((await t.api.get('/api/v1/inbox', { as: revoked })).status, 403);
    const events = await t.store.auditEvents(seq, 100);
    const last = JSON.parse(new TextDecoder().decode(events.at(-1)!.event));
    assert.equal(last.detail.code, 'DEVICE_REVOKED');
    assert.equal(last.detail.suppressed, 8);
    assert.equal(last.actor.device, revoked.id);
  });

  test('unsigned refusals write one event per source and window, counting the rest, and keep no key id', async () => {
    t.clock.advance(3600_000);
    const seq = await lastAuditSeq(t.store);
    for (let i = 0; i < 10; i++) assert.equal((await t.api.get('/api/v1/inbox')).status, 401);
    const unknown = { ...device(t.network, 'de.anna'), id: 'attacker-chosen-key-id' };
    assert.equal((await t.api.get('/api/v1/inbox', { as: unknown })).status, 401);
    assert.deepEqual(await auditTypesAfter(t.store, seq), ['request.refused']);
    t.clock.advance(60_000);
    assert.equal((await t.api.get('/api/v1/inbox')).status, 401);
    const events = await t.store.auditEvents(seq, 100);
    assert.equal(events.length, 2);
    const last = JSON.parse(new TextDecoder().decode(events.at(-1)!.event));
    assert.equal(last.detail.code, 'SIGNATURE_MISSING');
    assert.equal(last.detail.suppressed, 10);
    assert.equal(last.detail.source, '127.0.0.1');
    assert.equal(last.object.id, 'GET /api/v1/inbox');
    for (const { event } of events) assert.doesNotMatch(new TextDecoder().decode(event), /attacker/);
  });
});

describe('@authority', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite);
  });
  after(async () => {
    await t?.close();
  });

  /** Requests signed for `host` and sent with that Host header, to the app configured for valise.test. */
  function apiFor(host: string): TestApi {
    const transport: Transport = {
      origin: `http://${host}`,
      send: (call) => t.api.transport.send({ ...call, headers: { host, ...call.headers } }),
    };
    return new TestApi(transport, t.clock);
  }

  test('a request signed for another host is refused even when its Host header matches the signature', async () => {
    const anna = device(t.network, 'de.anna');
    const elsewhere = await apiFor('valise.attacker.example').get('/api/v1/inbox', { as: anna });
    assert.equal(elsewhere.status, 401, elsewhere.text);
    assert.equal(elsewhere.json.error.code, 'SIGNATURE_INVALID');
    // Signed for the node's configured origin, it passes whatever the Host header says.
    const here = await apiFor('valise.test').get('/api/v1/inbox', { as: anna });
    assert.equal(here.status, 200, here.text);
  });
});

describe('a device not in force: pending, unknown or revoked', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite);
  });
  after(async () => {
    await t?.close();
  });

  test('a pending device hears DEVICE_PENDING under its own keys; anyone else naming it hears UNKNOWN_KEY, as for an id never seen', async () => {
    const officer = device(t.network, 'de.officer');
    const invitation = await invite(
      t.api,
      officer,
      'de.anna',
      Math.floor(t.clock.now() / 1000) + 3600,
      device(t.network, 'de.officer.2'),
    );
    const keys = await newDeviceKeys('anna tablet');
    const enrolled = await t.api.post('/api/v1/enrolments', {
      invitation: invitation.id,
      secret: invitation.secret,
      device: keys.id,
      label: 'anna tablet',
      signingKey: keys.signer.publicKey,
      kemKey: keys.kem.publicKey,
      binding: new Uint8Array(32),
    });
    assert.equal(enrolled.status, 201, enrolled.text);
    const anna = device(t.network, 'de.anna');
    const as = (id: string, signer: TestDevice['signer'] = keys.signer): TestDevice => ({
      ...anna,
      id,
      signer,
    });

    const holder = await t.api.get('/api/v1/inbox', { as: as(keys.id) });
    assert.equal(holder.status, 403, holder.text);
    assert.equal(holder.json.error.code, 'DEVICE_PENDING');
    assert.match(holder.json.error.message, /waits for approval by its security officer/);

    // Someone who knows the id but not the keys learns nothing of the enrolment.
    const impostor = await t.api.get('/api/v1/inbox', { as: as(keys.id, anna.signer) });
    const never = await t.api.get('/api/v1/inbox', { as: as((await newDeviceKeys('x')).id, anna.signer) });
    assert.equal(impostor.status, 401);
    assert.equal(impostor.json.error.code, 'UNKNOWN_KEY');
    assert.equal(never.json.error.code, 'UNKNOWN_KEY');
    assert.equal(
      impostor.json.error.message.replace(keys.id, 'ID'),
      never.json.error.message.replace(/"[^"]+"/, '"ID"'),
    );
  });

  test('a revoked device hears when it was revoked, by whom and why', async () => {
    const revoked = await t.api.get('/api/v1/inbox', { as: device(t.network, 'de.anna.old') });
    assert.equal(revoked.status, 403, revoked.text);
    assert.equal(revoked.json.error.code, 'DEVICE_REVOKED');
    assert.match(
      revoked.json.error.message,
      /^this device was revoked on \d{4}-\d\d-\d\d \d\d:\d\dZ by a security officer of DE \(reason given: laptop lost\)/,
    );
    // Without its key, the same id is only a signature that does not verify.
    const impostor = await t.api.get('/api/v1/inbox', {
      as: { ...device(t.network, 'de.anna.old'), signer: device(t.network, 'de.anna').signer },
    });
    assert.equal(impostor.json.error.code, 'SIGNATURE_INVALID');
  });
});
