/**
 * No false alarms, on each backend, with the clock injected: a diplomat's working week
 * (bursts of up to ten cables, about eighty a day, office hours, the odd evening read) and a
 * registry device's week (every cable of its organisation as it arrives, day and night)
 * raise no alert, hold or suspension, and both devices stay active. Their sequence numbers
 * rise as a real client's do, several requests in flight at once.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { backends } from '../fixtures/backends.ts';
import { device } from '../fixtures/network.ts';
import { nextSequence } from '../fixtures/sequence.ts';
import { DAY, HOUR, MINUTE, read, startWatchApp, type WatchApp, watchEvents } from './fixtures.ts';

/** Monday 2 March 2026 00:00 UTC: T0 is 10:00 that day. */
const MONDAY = 1_772_409_600_000;

/** The diplomat's bursts, as local (CET, UTC+1) hours of the day, ten cables each. */
const BURSTS = [9, 10, 11.5, 13.5, 14.5, 15.5, 16.5, 17.5];

for (const backend of await backends()) {
  describe(`the watch raises no false alarm (${backend.name})`, { skip: backend.skip }, () => {
    let t: WatchApp;
    after(async () => {
      await t?.close();
    });

    test("a diplomat's working week and a registry's week raise nothing", async () => {
      t = await startWatchApp(backend, 20);
      const claire = device(t.network, 'fr.claire');
      const registry = device(t.network, 'fr.registry');
      let read_ = 0;
      for (let day = 0; day < 7; day++) {
        const midnight = MONDAY + day * DAY;
        const weekday = day < 5;
        // The registry fetches every cable of its organisation as it arrives, every 30
        // minutes day and night, weekends too.
        const moments: [number, 'registry' | 'diplomat'][] = [];
        for (let slot = 0; slot < 48; slot++) moments.push([midnight + slot * 30 * MINUTE, 'registry']);
        if (weekday) for (const h of BURSTS) moments.push([midnight + (h - 1) * HOUR, 'diplomat']);
        // Tuesday and Thursday evenings: one cable read at home after dinner (21:30 local).
        if (day === 1 || day === 3) moments.push([midnight + 20.5 * HOUR, 'diplomat']);
        moments.sort((a, b) => a[0] - b[0]);
        for (const [at, who] of moments) {
          if (at < T0_MS) continue;
          t.clock.set(at);
          if (who === 'registry') {
            const got = await read(t, registry, t.cables[read_ % t.cables.length]!);
            assert.equal(got.status, 200, got.text);
            continue;
          }
          const evening = (at - midnight) / HOUR > 19;
          const burst = evening ? 1 : 10;
          // A burst is triage: several cables in flight at once, signed in order, arriving in any order.
          const numbers = Array.from({ length: burst }, () => nextSequence(claire.id)).reverse();
          const answers = await Promise.all(
            numbers.map((sequence, i) =>
              read(t, claire, t.cables[(read_ + i) % t.cables.length]!, { sequence }),
            ),
          );
          for (const got of answers) assert.equal(got.status, 200, got.text);
          read_ += burst;
        }
      }
      assert.ok(read_ >= 300, `the diplomat read ${read_} cables`);
      for (const who of [claire, registry]) {
        const events = await watchEvents(t, who.id);
        assert.deepEqual(
          events.map((e) => `${e.type} ${JSON.stringify(e.detail)}`),
          [],
          `${who.name} raised nothing`,
        );
        const listed = await t.api.get('/api/v1/watch/devices', { as: device(t.network, 'fr.officer') });
        const row = listed.json.items.find((d: { device: string }) => d.device === who.id);
        assert.equal(row.state, 'active');
      }
    });

    test('a phone whose carrier changes its network all day is alerted on, never held', async () => {
      const roaming = await startWatchApp(backend, 4);
      try {
        const dan = device(roaming.network, 'fr.dan');
        // From 08:00 to 17:00 local, a new carrier network every hour, three cables each.
        roaming.clock.set(MONDAY + 7 * HOUR);
        for (let hour = 0; hour < 10; hour++) {
          for (const id of roaming.cables.slice(0, 3)) {
            const got = await read(roaming, dan, id, { from: `198.51.${100 + hour}.7` });
            assert.equal(got.status, 200, got.text);
          }
          roaming.clock.advance(HOUR);
        }
        const types = (await watchEvents(roaming, dan.id)).map((e) => `${e.type} ${e.detail.signal}`);
        assert.ok(types.includes('watch.alert new-origin'), types.join(', '));
        assert.deepEqual(
          types.filter((t) => !t.startsWith('watch.alert')),
          [],
        );
      } finally {
        await roaming.close();
      }
    });
  });
}

const T0_MS = 1_772_445_600_000;
