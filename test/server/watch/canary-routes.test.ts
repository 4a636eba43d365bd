/**
 * The officers' canary and working-hours routes, on each backend: what an officer plants and
 * sets is recorded with its audit event, and bad input (a malformed canary, a cable of
 * another organisation or addressed beyond it, an unknown user, a second planting, hostile
 * hours, an unknown device) is a typed 4xx that writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_WORKING_HOURS } from '../../../src/core/watch/working-hours.ts';
import { backends } from '../fixtures/backends.ts';
import { actCounts, auditTypesAfter, lastAuditSeq } from '../fixtures/counts.ts';
import { device } from '../fixtures/network.ts';
import { sendFrCable, startWatchApp, type WatchApp } from './fixtures.ts';

for (const backend of await backends()) {
  describe(`canaries and working hours (${backend.name})`, { skip: backend.skip }, () => {
    let t: WatchApp;
    before(async () => {
      t = await startWatchApp(backend, 2);
    });
    after(async () => {
      await t?.close();
    });

    test('an officer plants a canary once; officers and the authority list it; the cable shows nothing', async () => {
      const officer = device(t.network, 'fr.officer');
      const canary = await sendFrCable(t);
      const body = { cable: canary, targets: { users: ['fr.claire'], groups: ['COEST'] }, reason: 'decoy' };
      const planted = await t.api.post('/api/v1/watch/canaries', body, { as: officer });
      assert.equal(planted.status, 201, planted.text);
      assert.equal(planted.json.plantedBy, officer.id);
      const again = await t.api.post('/api/v1/watch/canaries', body, { as: officer });
      assert.equal(again.status, 409);
      assert.equal(again.json.error.code, 'ALREADY_EXISTS');
      for (const reader of ['fr.officer', 'cy.authority']) {
        const listed = await t.api.get('/api/v1/watch/canaries?org=FR', { as: device(t.network, reader) });
        assert.equal(listed.status, 200, listed.text);
        assert.deepEqual(
          listed.json.items.map((c: { cable: string }) => c.cable),
          [canary],
        );
      }
      // What a recipient's device sees of the cable is what it sees of any other.
      const inbox = await t.api.get('/api/v1/inbox', { as: device(t.network, 'fr.claire') });
      const item = inbox.json.items.find((i: { id: string }) => i.id === canary);
      assert.ok(item);
      assert.doesNotMatch(JSON.stringify(item), /canar/i);
    });

    test('bad canaries, hostile hours and unknown devices are typed 4xx and write nothing', async () => {
      const officer = device(t.network, 'fr.officer');
      const own = await sendFrCable(t);
      const before = await actCounts(t.store);
      const seq = await lastAuditSeq(t.store);
      const plant = (body: unknown, as = officer) => t.api.post('/api/v1/watch/canaries', body, { as });
      const targets = { users: ['fr.claire'], groups: [] };
      const cases: [
        string,
        Promise<{ status: number; json: { error: { code: string } } }>,
        number,
        string,
      ][] = [
        ['a cable DE sent', plant({ cable: t.cables[0], targets, reason: 'decoy' }), 404, 'NOT_FOUND'],
        ['no such cable', plant({ cable: 'A'.repeat(22), targets, reason: 'decoy' }), 404, 'NOT_FOUND'],
        [
          'a cable id that is none',
          plant({ cable: '../../etc', targets, reason: 'decoy' }),
          400,
          'OUT_OF_RANGE',
        ],
        [
          'no target',
          plant({ cable: own, targets: { users: [], groups: [] }, reason: 'decoy' }),
          400,
          'INVALID_VALUE',
        ],
        [
          'a user of another organisation',
          plant({ cable: own, targets: { users: ['de.anna'], groups: [] }, reason: 'decoy' }),
          400,
          'INVALID_VALUE',
        ],
        [
          'a user twice',
          plant({ cable: own, targets: { users: ['fr.dan', 'fr.dan'], groups: [] }, reason: 'decoy' }),
          400,
          'INVALID_VALUE',
        ],
        ['no reason', plant({ cable: own, targets }), 400, 'MISSING_FIELD'],
        [
          'an extra field',
          plant({ cable: own, targets, reason: 'decoy', visible: true }),
          400,
          'UNKNOWN_FIELD',
        ],
        [
          'a member planting',
          plant({ cable: own, targets, reason: 'decoy' }, device(t.network, 'fr.dan')),
          403,
          'FORBIDDEN',
        ],
        [
          'another organisation planting',
          plant({ cable: own, targets, reason: 'decoy' }, device(t.network, 'de.officer')),
          404,
          'NOT_FOUND',
        ],
      ];
      const hostileHours: [unknown, string][] = [
        [{ hours: { ...DEFAULT_WORKING_HOURS, timeZone: 'Mars/Olympus' } }, 'INVALID_VALUE'],
        [{ hours: { ...DEFAULT_WORKING_HOURS, start: 1200, end: 300 } }, 'INVALID_VALUE'],
        [{ hours: { ...DEFAULT_WORKING_HOURS, days: [] } }, 'INVALID_VALUE'],
        [{ hours: { ...DEFAULT_WORKING_HOURS, end: 1e9 } }, 'OUT_OF_RANGE'],
        [{ hours: 'always' }, 'WRONG_TYPE'],
      ];
      for (const [i, [body, code]] of hostileHours.entries()) {
        cases.push([
          `hostile hours ${i}`,
          t.api.send('PUT', '/api/v1/watch/hours', { body, as: officer }),
          400,
          code,
        ]);
      }
      cases.push([
        'a member setting hours',
        t.api.send('PUT', '/api/v1/watch/hours', {
          body: { hours: DEFAULT_WORKING_HOURS },
          as: device(t.network, 'fr.claire'),
        }),
        403,
        'FORBIDDEN',
      ]);
      cases.push([
        'an unknown device',
        t.api.post(`/api/v1/watch/devices/${'B'.repeat(21)}A/suspend`, { reason: 'who?' }, { as: officer }),
        404,
        'NOT_FOUND',
      ]);
      for (const [what, answer, status, code] of cases) {
        const got = await answer;
        assert.equal(got.status, status, `${what}: ${JSON.stringify(got.json)}`);
        assert.equal(got.json.error.code, code, what);
      }
      assert.deepEqual(await actCounts(t.store), before);
      // Refusals for authorisation are audited (docs/api.md); nothing else was written.
      assert.deepEqual(
        (await auditTypesAfter(t.store, seq)).filter((type) => type !== 'request.refused'),
        [],
      );
    });

    test('an officer sets the working hours; the authority reads them', async () => {
      const hours = {
        timeZone: 'Asia/Nicosia',
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: 480,
        end: 1020,
      };
      const set = await t.api.send('PUT', '/api/v1/watch/hours', {
        body: { hours },
        as: device(t.network, 'cy.officer'),
      });
      assert.equal(set.status, 200, set.text);
      const got = await t.api.get('/api/v1/watch/hours?org=CY', { as: device(t.network, 'cy.authority') });
      assert.deepEqual(got.json, { org: 'CY', tuned: true, hours });
      const untouched = await t.api.get('/api/v1/watch/hours', { as: device(t.network, 'fr.officer') });
      assert.equal(untouched.json.tuned, false);
    });
  });
}
