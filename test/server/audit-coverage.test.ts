/**
 * Every security event type of the API and the watch (API_EVENT_TYPES, WATCH_EVENT_TYPES; the browser sign-in events are
 * exercised in Chromium, test/e2e, and the unsigned sign-in refusal in test/server/web) is a leaf of the audit log
 * with the right actor and object, and reads back through GET /audit/events with an
 * inclusion proof that verifies against a checkpoint signed by the log key; requests
 * refused for authorisation (403, and 404 for a cable the device is not entitled to) are
 * on record too. On every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../src/core/crypto/sha256.ts';
import { fromBase64url, toBase64url } from '../../src/core/encoding/bytes.ts';
import { issueCertificate } from '../../src/core/identity/issue-certificate.ts';
import { ed25519Verifier } from '../../src/core/log/checkpoint/note-verifier.ts';
import { parseCheckpoint } from '../../src/core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../../src/core/log/checkpoint/parse-note.ts';
import { verifyNote } from '../../src/core/log/checkpoint/verify-note.ts';
import {
  API_EVENT_TYPES,
  type AuditEventType,
  type LogEvent,
  parseLogEvent,
  WATCH_EVENT_TYPES,
} from '../../src/core/log/log-event.ts';
import { leafHash, verifyInclusion } from '../../src/core/log/merkle/index.ts';
import { backends } from './fixtures/backends.ts';
import { addUser, enrolDevice } from './fixtures/enrol.ts';
import { device, ISSUED_AT } from './fixtures/network.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from './fixtures/test-cable.ts';

interface Proven {
  readonly leaf: number;
  readonly event: LogEvent;
}

for (const backend of await backends()) {
  describe(`every security event is in the log on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const expected = new Map<AuditEventType, { actor: LogEvent['actor']; object: LogEvent['object'] }>();
    let events: Proven[] = [];

    before(async () => {
      t = await startTestApp(backend);
      const officer = device(t.network, 'de.officer');
      const anna = device(t.network, 'de.anna');
      const claire = device(t.network, 'fr.claire');
      const actor = (d: typeof anna) => ({ org: d.org, user: d.user, device: d.id });

      // directory.entry, invitation.created, enrolment.requested: a new user and device.
      await addUser(t.api, t.network, officer, {
        v: 1,
        kind: 'user',
        org: 'DE',
        user: 'de.new',
        name: 'New',
        clearance: 'RESTREINT UE',
        role: 'member',
        groups: [],
        issuedAt: ISSUED_AT,
      });
      expected.set('directory.entry', {
        actor: actor(officer),
        object: { kind: 'user', id: 'de.new', org: 'DE' },
      });
      const fresh = await enrolDevice(t.api, t.network, officer, t.network.users['de.bob']!, 'new laptop');
      const enrolment = await t.store.enrolment(fresh.id);
      expected.set('invitation.created', {
        actor: actor(officer),
        object: { kind: 'invitation', id: enrolment!.invitation, org: 'DE' },
      });
      expected.set('enrolment.requested', {
        actor: { org: 'DE', user: 'de.bob' },
        object: { kind: 'device', id: fresh.id, org: 'DE' },
      });

      // officer-act.held, officer-act.confirmed, officer-act.refused: the officer's command-line
      // device posts a user certificate, held; the second officer refuses it, then confirms another.
      const second = device(t.network, 'de.officer.2');
      const heldUser = async (user: string) => {
        const entry = await issueCertificate(
          {
            v: 1,
            kind: 'user',
            org: 'DE',
            user,
            name: user,
            clearance: 'RESTREINT UE',
            role: 'member',
            groups: [],
            issuedAt: ISSUED_AT,
          },
          t.network.orgs.DE!.signer,
        );
        const held = await t.api.post('/api/v1/directory', { entry }, { as: officer });
        assert.equal(held.status, 202, held.text);
        return held.json.held.id as string;
      };
      const refusedAct = await heldUser('de.refused');
      const refusal = await t.api.post(
        `/api/v1/officer-acts/${refusedAct}/refuse`,
        { reason: 'unknown person' },
        { as: second },
      );
      assert.equal(refusal.status, 200, refusal.text);
      expected.set('officer-act.refused', {
        actor: actor(second),
        object: { kind: 'officer-act', id: refusedAct, org: 'DE' },
      });
      const confirmedAct = await heldUser('de.confirmed');
      expected.set('officer-act.held', {
        actor: actor(officer),
        object: { kind: 'officer-act', id: confirmedAct, org: 'DE' },
      });
      const confirmation = await t.api.post(
        `/api/v1/officer-acts/${confirmedAct}/confirm`,
        {},
        { as: second },
      );
      assert.equal(confirmation.status, 201, confirmation.text);
      expected.set('officer-act.confirmed', {
        actor: actor(second),
        object: { kind: 'officer-act', id: confirmedAct, org: 'DE' },
      });

      // cable.accepted, cable.fetched, cable.listed, attachment.fetched, cable.acknowledged.
      const blob = Uint8Array.of(1, 2, 3);
      const digest = toBase64url(sha256(blob));
      const upload = await t.api.send('PUT', `/api/v1/attachments/${digest}`, {
        as: anna,
        body: blob,
        contentType: 'application/octet-stream',
      });
      assert.equal(upload.status, 201, upload.text);
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        groups: ['COEST'],
        summaryBytes: 120,
        ...(await nextPosition(t.api, anna)),
      });
      const body = { ...cableBody(cable), attachments: [digest] };
      assert.equal((await t.api.post('/api/v1/cables', body, { as: anna })).status, 201);
      const object = { kind: 'cable', id: cable.header.id, org: 'DE' };
      expected.set('cable.accepted', { actor: actor(anna), object });
      assert.equal((await t.api.get(`/api/v1/cables/${cable.header.id}`, { as: claire })).status, 200);
      expected.set('cable.fetched', { actor: actor(claire), object });
      const listing = await t.api.post('/api/v1/inbox/summaries', { ids: [cable.header.id] }, { as: claire });
      assert.equal(listing.status, 200, listing.text);
      expected.set('cable.listed', {
        actor: actor(claire),
        object: { kind: 'device', id: claire.id, org: 'FR' },
      });
      const attachment = await t.api.get(`/api/v1/cables/${cable.header.id}/attachments/${digest}`, {
        as: claire,
      });
      assert.equal(attachment.status, 200, attachment.text);
      expected.set('attachment.fetched', { actor: actor(claire), object });
      assert.equal(
        (await t.api.post(`/api/v1/cables/${cable.header.id}/ack`, undefined, { as: claire })).status,
        201,
      );
      expected.set('cable.acknowledged', { actor: actor(claire), object });

      // watch.thresholds, watch.alert, watch.held, watch.released, watch.suspended: FR's
      // officer tunes the member limits down to a few reads, and fr.dan reads past them.
      const frOfficer = device(t.network, 'fr.officer');
      const dan = device(t.network, 'fr.dan');
      const limits = (n: number) => ({ minute: n, '10 minutes': n, hour: n, day: n });
      const tuned = await t.api.send('PUT', '/api/v1/watch/thresholds/member', {
        body: { thresholds: { alert: limits(1), 'step-up': limits(2), suspend: limits(3) } },
        as: frOfficer,
      });
      assert.equal(tuned.status, 200, tuned.text);
      expected.set('watch.thresholds', {
        actor: actor(frOfficer),
        object: { kind: 'org', id: 'FR', org: 'FR' },
      });
      const danDevice = { kind: 'device', id: dan.id, org: 'FR' };
      const reads = [];
      for (let i = 0; i < 3; i++)
        reads.push((await t.api.get(`/api/v1/cables/${cable.header.id}`, { as: dan })).status);
      assert.deepEqual(reads, [200, 200, 403]);
      expected.set('watch.alert', { actor: actor(dan), object: danDevice });
      expected.set('watch.held', { actor: actor(dan), object: danDevice });
      const release = { reason: 'Dan confirmed by phone' };
      const released = await t.api.post(`/api/v1/watch/devices/${dan.id}/release`, release, {
        as: frOfficer,
      });
      assert.equal(released.status, 200, released.text);
      expected.set('watch.released', { actor: actor(frOfficer), object: danDevice });
      const stolen = { reason: 'laptop reported stolen' };
      const suspended = await t.api.post(`/api/v1/watch/devices/${dan.id}/suspend`, stolen, {
        as: frOfficer,
      });
      assert.equal(suspended.status, 200, suspended.text);
      expected.set('watch.suspended', { actor: actor(frOfficer), object: danDevice });

      // watch.canary, watch.hours: FR's officer plants a canary and sets FR's working hours.
      const decoy = await testCable(t.directory, {
        sender: frOfficer,
        distribution: [{ org: 'FR', role: 'info' }],
        groups: ['COEST'],
        ...(await nextPosition(t.api, frOfficer)),
      });
      assert.equal((await t.api.post('/api/v1/cables', cableBody(decoy), { as: frOfficer })).status, 201);
      const planted = await t.api.post(
        '/api/v1/watch/canaries',
        { cable: decoy.header.id, targets: { users: ['fr.claire'], groups: [] }, reason: 'decoy' },
        { as: frOfficer },
      );
      assert.equal(planted.status, 201, planted.text);
      expected.set('watch.canary', {
        actor: actor(frOfficer),
        object: { kind: 'cable', id: decoy.header.id, org: 'FR' },
      });
      const hours = {
        timeZone: 'Europe/Paris',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: 480,
        end: 1140,
      };
      const set = await t.api.send('PUT', '/api/v1/watch/hours', { body: { hours }, as: frOfficer });
      assert.equal(set.status, 200, set.text);
      expected.set('watch.hours', { actor: actor(frOfficer), object: { kind: 'org', id: 'FR', org: 'FR' } });

      // request.refused: a device asking for a cable it is not entitled to.
      const eva = device(t.network, 'cy.eva');
      assert.equal((await t.api.get(`/api/v1/cables/${cable.header.id}`, { as: eva })).status, 404);
      expected.set('request.refused', {
        actor: actor(eva),
        object: { kind: 'request', id: 'GET /api/v1/cables/:id' },
      });

      // log.alert: a witness reports a checkpoint it refused.
      const registry = device(t.network, 'fr.registry');
      const note = (await t.checkpointer.checkpoint()).note;
      const alert = await t.api.post('/api/v1/log/alerts', { reason: 'SPLIT_VIEW', note }, { as: registry });
      assert.equal(alert.status, 201, alert.text);
      const size = parseCheckpoint(parseNote(note).text).size;
      expected.set('log.alert', { actor: actor(registry), object: { kind: 'checkpoint', id: String(size) } });

      // Read back as the network authority: every event, each proven.
      const page = await t.api.get('/api/v1/audit/events?limit=1000', {
        as: device(t.network, 'cy.authority'),
      });
      assert.equal(page.status, 200, page.text);
      const signed = page.json.checkpoint.note as string;
      assert.deepEqual(await verifyNote(signed, [ed25519Verifier('valise.test/log', t.logKey.publicKey)]), [
        'valise.test/log',
      ]);
      const checkpoint = parseCheckpoint(parseNote(signed).text);
      events = page.json.items.map((item: { leaf: number; event: string; proof: string[] }) => {
        const bytes = new TextEncoder().encode(item.event);
        const proof = item.proof.map((h) => fromBase64url(h)!);
        assert.ok(verifyInclusion(leafHash(bytes), item.leaf, checkpoint.size, proof, checkpoint.rootHash));
        return { leaf: item.leaf, event: parseLogEvent(bytes) };
      });
    });
    after(async () => {
      await t?.close();
    });

    test('this suite triggers every event type the server defines', () => {
      assert.deepEqual([...expected.keys()].sort(), [...API_EVENT_TYPES, ...WATCH_EVENT_TYPES].sort());
    });

    for (const type of [...API_EVENT_TYPES, ...WATCH_EVENT_TYPES]) {
      test(`${type}: in the log, proven, with the right actor and object`, () => {
        const want = expected.get(type)!;
        const found = events.filter(
          (e) =>
            e.event.type === type &&
            JSON.stringify(e.event.actor) === JSON.stringify(want.actor) &&
            JSON.stringify(e.event.object) === JSON.stringify(want.object),
        );
        assert.equal(found.length, 1, `${type} ${JSON.stringify(want)} among ${events.length} events`);
      });
    }

    test('the refusal of a cable the device may not read names the cable; a 403 is on record too', async () => {
      const refused = events.find((e) => e.event.type === 'request.refused');
      assert.equal(refused!.event.detail.code, 'NOT_FOUND');
      assert.equal(typeof refused!.event.detail.cable, 'string');
      const before = await t.store.log.size();
      const bob = device(t.network, 'de.bob');
      assert.equal((await t.api.get('/api/v1/enrolments', { as: bob })).status, 403);
      const [leaf] = await t.store.log.leaves(before, before + 1);
      const event = parseLogEvent(leaf!.event);
      assert.equal(event.type, 'request.refused');
      assert.deepEqual(event.actor, { org: 'DE', user: 'de.bob', device: bob.id });
      assert.equal(event.detail.code, 'FORBIDDEN');
    });
  });
}
