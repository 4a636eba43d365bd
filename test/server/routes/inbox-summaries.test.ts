/**
 * POST /inbox/summaries: a device lists the subjects of its format-4 cables without their
 * bodies. Listing subjects is reading them (docs/design.md §8, §9): the sealed summaries are
 * served only after one `cable.listed` event naming the cables has committed, only for
 * cables the device holds a wrap for, and the subjects new to the device count against the
 * watch's listing thresholds, which stop a device listing in bulk before it is served. On
 * every backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeSummariesAnswer } from '../../../src/core/api/cable-routes.ts';
import { decodeListedCable } from '../../../src/core/cable/listed-cable.ts';
import { openCable } from '../../../src/core/cable/open-cable.ts';
import { openCableSummary } from '../../../src/core/cable/open-cable-summary.ts';
import { decodeSealedCable } from '../../../src/core/cable/sealed-cable.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';
import { type LogEvent, parseLogEvent } from '../../../src/core/log/log-event.ts';
import { backends } from '../fixtures/backends.ts';
import { device, randomId, type TestDevice } from '../fixtures/network.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';
import { cableBody, nextPosition, sealTestCable, testCable } from '../fixtures/test-cable.ts';

const TO_FR_COEST = { distribution: [{ org: 'FR', role: 'action' as const }], groups: ['COEST'] };

async function listedEvents(t: TestApp): Promise<LogEvent[]> {
  const events = await t.store.auditEvents(0, Number.MAX_SAFE_INTEGER);
  return events.map((e) => parseLogEvent(e.event)).filter((e) => e.type === 'cable.listed');
}

function ask(t: TestApp, as: TestDevice, ids: readonly string[]) {
  return t.api.post('/api/v1/inbox/summaries', { ids }, { as });
}

async function send(t: TestApp, summaryBytes?: number): Promise<string> {
  const anna = device(t.network, 'de.anna');
  const cable = await testCable(t.directory, {
    sender: anna,
    ...TO_FR_COEST,
    ...(summaryBytes === undefined ? {} : { summaryBytes }),
    ...(await nextPosition(t.api, anna)),
  });
  const sent = await t.api.post('/api/v1/cables', cableBody(cable), { as: anna });
  assert.equal(sent.status, 201, sent.text);
  return cable.header.id;
}

for (const backend of await backends()) {
  describe(`/inbox/summaries on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    const sealed: string[] = [];
    let old: string;
    const SUBJECTS = [
      { subject: 'Eastern partnership: instructions', tags: ['COEST'] },
      { subject: 'Sanctions: the twentieth package', tags: ['COEST', 'RELEX'] },
    ];
    before(async () => {
      t = await startTestApp(backend);
      const anna = device(t.network, 'de.anna');
      for (const { subject, tags } of SUBJECTS) {
        const cable = await sealTestCable(
          t.directory,
          { sender: anna, ...TO_FR_COEST, ...(await nextPosition(t.api, anna)) },
          { subject, tags, body: `The body of ${subject}.` } as { subject: string; body: string },
        );
        const response = await t.api.post('/api/v1/cables', cableBody(cable), { as: anna });
        assert.equal(response.status, 201, response.text);
        sealed.push(cable.header.id);
      }
      old = await send(t);
    });
    after(async () => {
      await t?.close();
    });

    test("a recipient gets its cables' sealed summaries with its wrap, which open to subject and tags", async () => {
      const claire = device(t.network, 'fr.claire');
      const response = await ask(t, claire, [sealed[1]!, old, randomId(), sealed[0]!]);
      assert.equal(response.status, 200, response.text);
      const answer = decodeSummariesAnswer(response.json, 'answer');
      // In the order asked; the cable before format 4 and the unknown id are left out.
      assert.deepEqual(
        answer.items.map((i) => i.id),
        [sealed[1], sealed[0]],
      );
      const inbox = await t.api.get('/api/v1/inbox', { as: claire });
      for (const [n, item] of answer.items.entries()) {
        assert.equal(item.wrap.device, claire.id);
        const listedItem = inbox.json.items.find((i: { id: string }) => i.id === item.id);
        const listed = decodeListedCable(
          toJsonValue({
            header: listedItem.header,
            signature: listedItem.signature,
            summary: item.summary,
            wrap: item.wrap,
          }),
          'listed',
        );
        const opened = await openCableSummary(listed, {
          directory: t.directory,
          recipient: { device: claire.id, privateKey: claire.kemPrivateKey },
        });
        assert.deepEqual(toJsonValue(opened.summary), SUBJECTS[1 - n]);
      }
    });

    test('the listing is on record first: one cable.listed event by the device, naming each cable listed', async () => {
      const dan = device(t.network, 'fr.dan');
      const before = (await listedEvents(t)).length;
      const response = await ask(t, dan, [sealed[0]!, sealed[1]!, old]);
      assert.equal(response.status, 200, response.text);
      const events = await listedEvents(t);
      assert.equal(events.length, before + 1);
      const event = events.at(-1)!;
      assert.deepEqual(event.actor, { org: 'FR', user: dan.user, device: dan.id });
      assert.deepEqual(event.detail, { cables: [sealed[0], sealed[1]], count: 2 });
    });

    test('a device without a wrap is served nothing, and nothing is logged as listed', async () => {
      const before = (await listedEvents(t)).length;
      for (const name of ['de.carl', 'cy.eva']) {
        const response = await ask(t, device(t.network, name), sealed);
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.json.items, [], name);
      }
      assert.equal((await listedEvents(t)).length, before);
    });

    test('bad bodies are 400 and list nothing', async () => {
      const claire = device(t.network, 'fr.claire');
      const before = (await listedEvents(t)).length;
      for (const body of [{}, { ids: [] }, { ids: [sealed[0], sealed[0]] }, { ids: ['not an id'] }]) {
        const response = await t.api.post('/api/v1/inbox/summaries', body, { as: claire });
        assert.equal(response.status, 400, JSON.stringify(body));
      }
      const many = Array.from({ length: 101 }, () => randomId());
      assert.equal((await ask(t, claire, many)).status, 400);
      assert.equal((await listedEvents(t)).length, before);
    });

    test('a fetched format-4 cable carries its summary, and opening checks it against the body', async () => {
      const claire = device(t.network, 'fr.claire');
      const response = await t.api.get(`/api/v1/cables/${sealed[0]}`, { as: claire });
      assert.equal(response.status, 200, response.text);
      const cable = decodeSealedCable(response.json.cable, 'cable');
      assert.ok(cable.summary);
      const opened = await openCable(cable, {
        directory: t.directory,
        recipient: { device: claire.id, privateKey: claire.kemPrivateKey },
      });
      assert.equal(opened.content.subject, SUBJECTS[0]!.subject);
    });

    test('the watch counts each subject once and stops a device listing past its thresholds, unserved', async () => {
      const officer = device(t.network, 'fr.officer');
      // Members' reads tuned down to 1 a minute (alert) and 2 (hold, suspend): listing
      // thresholds are ten times that, so more than 20 new subjects in a minute suspend.
      const tuned = await t.api.send('PUT', '/api/v1/watch/thresholds/member', {
        as: officer,
        body: {
          thresholds: {
            alert: { minute: 1, '10 minutes': 100, hour: 100, day: 100 },
            'step-up': { minute: 2, '10 minutes': 100, hour: 100, day: 100 },
            suspend: { minute: 2, '10 minutes': 100, hour: 100, day: 100 },
          },
        },
      });
      assert.equal(tuned.status, 200, tuned.text);
      const many: string[] = [];
      for (let i = 0; i < 22; i++) many.push(await send(t, 200));
      // fr.dan has listed the two sealed subjects in this minute already (the clock stands still).
      const dan = device(t.network, 'fr.dan');
      const first = await ask(t, dan, many.slice(0, 10));
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.items.length, 10);
      // Listed again: the device knows these subjects already, so they count for nothing.
      for (let i = 0; i < 3; i++) assert.equal((await ask(t, dan, many.slice(0, 10))).status, 200);
      const second = await ask(t, dan, many.slice(0, 18));
      assert.equal(second.status, 200, second.text);
      const listedBefore = (await listedEvents(t)).length;
      // 20 subjects known; 4 more pass the limit of 20: suspended, and nothing served or listed.
      const third = await ask(t, dan, many);
      assert.equal(third.status, 403, third.text);
      assert.equal(third.json.error.code, 'DEVICE_SUSPENDED');
      assert.equal(third.json.items, undefined);
      assert.match(third.json.error.message, /24 subjects listed in a minute \(limit 20\)/);
      assert.equal((await listedEvents(t)).length, listedBefore);
      const events = (await t.store.auditEvents(0, Number.MAX_SAFE_INTEGER)).map((e) =>
        parseLogEvent(e.event),
      );
      const watch = events.filter((e) => e.type.startsWith('watch.') && e.object.id === dan.id);
      assert.deepEqual(
        watch.map((e) => [e.type, e.detail.kind]),
        [
          ['watch.alert', 'listing'],
          ['watch.suspended', 'listing'],
        ],
      );
    });
  });
}
