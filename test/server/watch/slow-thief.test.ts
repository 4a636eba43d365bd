/**
 * The slow thief of the 2018 scenario, on each backend, with the clock injected: a copy of a
 * diplomat's key file reads one cable every five minutes around the clock from its own
 * network. It is caught within one simulated day: by clone detection while the real device
 * keeps working, by the origin and hours signals while its owner is away, and at the first
 * fetch of a canary when an officer has planted one.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { backends } from '../fixtures/backends.ts';
import { device } from '../fixtures/network.ts';
import { lastSequence, nextSequence } from '../fixtures/sequence.ts';
import {
  DAY,
  MINUTE,
  OFFICE,
  read,
  sendFrCable,
  startWatchApp,
  THIEF,
  type WatchApp,
  watchEvents,
} from './fixtures.ts';

const STEP = 5 * MINUTE;
const STEPS_PER_DAY = DAY / STEP;

/** The thief's own counter, continuing from the key file it copied. */
function copiedCounter(deviceId: string): () => number {
  let last = lastSequence(deviceId);
  return () => {
    last++;
    return last;
  };
}

/** Working hours in Brussels, as UTC hours of a March day (CET): 08:30–18:30 local. */
function atWork(ms: number): boolean {
  const hours = (ms / 3_600_000) % 24;
  const weekday = new Date(ms).getUTCDay();
  return weekday >= 1 && weekday <= 5 && hours >= 7.5 && hours < 17.5;
}

for (const backend of await backends()) {
  describe(`the watch catches a slow thief within a day (${backend.name})`, { skip: backend.skip }, () => {
    const apps: WatchApp[] = [];
    after(async () => {
      for (const t of apps) await t.close();
    });

    test('while the real device keeps working, the copy is suspended at the first number both use', async () => {
      const t = await startWatchApp(backend, 12);
      apps.push(t);
      const claire = device(t.network, 'fr.claire');
      // The real device at work; then its key file (and its counter) is copied.
      for (const id of t.cables.slice(0, 3)) assert.equal((await read(t, claire, id)).status, 200);
      const thief = copiedCounter(claire.id);
      const started = t.clock.now();
      let thiefServed = 0;
      let caught: string | undefined;
      for (let step = 0; step < STEPS_PER_DAY && !caught; step++) {
        const id = t.cables[step % t.cables.length]!;
        const stolen = await read(t, claire, id, { from: THIEF, sequence: thief() });
        if (stolen.status === 200) thiefServed++;
        else caught = stolen.json.error.code;
        // The owner reads a burst of five at the top of each working hour.
        if (!caught && step % 12 === 0 && atWork(t.clock.now())) {
          for (const own of t.cables.slice(0, 5)) {
            const got = await read(t, claire, own);
            if (got.status !== 200) {
              caught = got.json.error.code;
              break;
            }
          }
        }
        t.clock.advance(STEP);
      }
      assert.equal(caught, 'DEVICE_SUSPENDED');
      assert.ok(t.clock.now() - started <= DAY, 'caught within a day');
      assert.ok(thiefServed <= 12, `the copy read ${thiefServed} cables before it was stopped`);
      const events = await watchEvents(t, claire.id);
      const suspended = events.find((e) => e.type === 'watch.suspended');
      assert.equal(suspended?.detail.signal, 'clone');
      // The new network alerted the officers before the clone stopped it.
      assert.ok(events.some((e) => e.type === 'watch.alert' && e.detail.signal === 'new-origin'));
      // Both copies are refused from now on, whatever network they use.
      for (const [from, sequence] of [
        [OFFICE, nextSequence(claire.id)],
        [THIEF, thief()],
      ] as const) {
        const refused = await read(t, claire, t.cables[0]!, { from, sequence });
        assert.equal(refused.status, 403);
        assert.equal(refused.json.error.code, 'DEVICE_SUSPENDED');
        assert.match(refused.json.error.message, /security officer of FR/);
      }
    });

    test('while its owner is away, the copy reading around the clock from a new network is held within a day', async () => {
      const t = await startWatchApp(backend, 12);
      apps.push(t);
      const dan = device(t.network, 'fr.dan');
      // Dan's last day at the office, before two weeks' leave.
      for (const id of t.cables.slice(0, 4)) assert.equal((await read(t, dan, id)).status, 200);
      t.clock.advance(3 * DAY);
      const thief = copiedCounter(dan.id);
      const started = t.clock.now();
      let served = 0;
      let caught: string | undefined;
      for (let step = 0; step < STEPS_PER_DAY && !caught; step++) {
        const got = await read(t, dan, t.cables[step % t.cables.length]!, { from: THIEF, sequence: thief() });
        if (got.status === 200) served++;
        else caught = got.json.error.code;
        t.clock.advance(STEP);
      }
      assert.ok(caught === 'DEVICE_HELD' || caught === 'DEVICE_SUSPENDED', `caught: ${caught}`);
      assert.ok(t.clock.now() - started <= DAY, 'caught within a day');
      const events = await watchEvents(t, dan.id);
      const stop = events.find((e) => e.type === 'watch.held' || e.type === 'watch.suspended');
      assert.ok(stop, 'the stop is in the log');
      assert.ok(
        ['off-hours', 'new-origin', 'two-origins'].includes(String(stop.detail.signal)),
        `stopped by ${String(stop.detail.signal)}`,
      );
      assert.ok(served < STEPS_PER_DAY, `served ${served}`);
    });

    test('with a canary planted for the person, the copy is suspended at its first fetch of it', async () => {
      const t = await startWatchApp(backend, 8);
      apps.push(t);
      const claire = device(t.network, 'fr.claire');
      const officer = device(t.network, 'fr.officer');
      const canary = await sendFrCable(t);
      const planted = await t.api.post(
        '/api/v1/watch/canaries',
        { cable: canary, targets: { users: ['fr.claire'], groups: [] }, reason: 'suspected copy of her key' },
        { as: officer },
      );
      assert.equal(planted.status, 201, planted.text);
      // The owner's registry reads every cable, the canary too: not a target, not a signal.
      const registry = device(t.network, 'fr.registry');
      assert.equal((await read(t, registry, canary)).status, 200);

      const thief = copiedCounter(claire.id);
      // The copy walks the archive: three ordinary cables, then the canary.
      const order = [...t.cables.slice(0, 3), canary, ...t.cables.slice(3)];
      let served = 0;
      let refusedAt: string | undefined;
      for (const id of order) {
        const got = await read(t, claire, id, { from: OFFICE, sequence: thief() });
        if (got.status !== 200) {
          refusedAt = id;
          assert.equal(got.json.error.code, 'DEVICE_SUSPENDED');
          break;
        }
        served++;
        t.clock.advance(STEP);
      }
      assert.equal(refusedAt, canary, 'stopped at the canary, which is not served');
      assert.equal(served, 3);
      const events = await watchEvents(t, claire.id);
      const suspended = events.find((e) => e.type === 'watch.suspended');
      assert.equal(suspended?.detail.signal, 'canary');
      assert.equal(suspended?.detail.cable, canary);
      const listed = await t.api.get('/api/v1/watch/canaries', { as: officer });
      assert.equal(listed.status, 200);
      assert.equal(listed.json.items[0].tripped.device, claire.id);
      assert.equal((await watchEvents(t, registry.id)).length, 0);
    });
  });
}
