/**
 * Watch benchmark (docs/design.md §9), against the real app over a real SQLite store:
 *
 * - the fast thief: a diplomat's copied key reads every cable it can at machine speed over
 *   loopback HTTP while the officer's live stream is open: how many cables it got, how long
 *   until the first refusal (wall time), and how long the alert and the hold took from the
 *   request that raised them to the officer's stream;
 * - the slow thief: a second device of the same person reads one cable every five minutes
 *   around the clock (an injectable clock moves five minutes between reads): simulated hours
 *   until the first alarm of any kind;
 * - false alarms: a diplomat's working week (bursts of up to ten, about eighty a day, office
 *   hours, from a seeded generator) and a registry device's week (every cable of its
 *   organisation), simulated the same way: alarms raised (alerts, holds, suspensions);
 * - fetch latency with the watch on and off in the same run: GET /cables/:id over HTTP, four
 *   clients at once, on two apps over two fresh stores. "Off" is the same app over a store
 *   whose watch meters nothing and only group-commits the fetch event, as fetches were
 *   committed before the watch; it is made here, in the benchmark, and no configuration of
 *   a node can reach it.
 *
 * Measures and prints; never asserts on time.
 */

import { isAlarm } from '../src/client/follow-watch.ts';
import { serverSentEvents } from '../src/client/server-sent-events.ts';
import { generateSigner } from '../src/core/crypto/ed25519.ts';
import { randomBytes, toBase64url } from '../src/core/encoding/bytes.ts';
import { openDirectory } from '../src/core/identity/directory.ts';
import { parseLogEvent } from '../src/core/log/log-event.ts';
import { signRequest } from '../src/core/wire/sign-request.ts';
import { buildApp } from '../src/server/app.ts';
import type { Clock } from '../src/server/clock.ts';
import { Checkpointer } from '../src/server/log/checkpointer.ts';
import type { SqlStore } from '../src/server/store/sql-store.ts';
import type { WatchStore } from '../src/server/store/watch-store.ts';
import { backends, type TestDatabase } from '../test/server/fixtures/backends.ts';
import {
  device,
  makeNetwork,
  T0,
  type TestDevice,
  type TestNetwork,
} from '../test/server/fixtures/network.ts';
import { nextSequence } from '../test/server/fixtures/sequence.ts';
import { httpTransport, TestApi } from '../test/server/fixtures/test-api.ts';
import { seedStore } from '../test/server/fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from '../test/server/fixtures/test-cable.ts';

const CABLES = 60;
const FETCH_CLIENTS = 4;
const FETCHES_PER_CLIENT = Number(process.env.BENCH_FETCHES ?? 150);
const ROUNDS = 3;
const DAY = 86_400;
const MINUTE = 60;

/** Real time from a start, which the benchmark may move to any simulated instant. */
class BenchClock implements Clock {
  #base: number;
  #since = Date.now();
  constructor(ms: number) {
    this.#base = ms;
  }
  now(): number {
    return this.#base + (Date.now() - this.#since);
  }
  set(ms: number): void {
    this.#base = ms;
    this.#since = Date.now();
  }
}

interface BenchApp {
  readonly api: TestApi;
  readonly clock: BenchClock;
  readonly store: SqlStore;
  readonly network: TestNetwork;
  readonly origin: string;
  readonly ids: string[];
  close(): Promise<void>;
}

/** The store with a watch that meters nothing: the fetch event alone, group-committed. */
function withoutWatch(store: SqlStore): SqlStore {
  const off: WatchStore = {
    ...bound<WatchStore>(store.watch),
    device: async () => undefined,
    meterRead: async (read) => {
      const outcome = { served: true, assessment: { response: 'none' }, alert: false } as const;
      for (const event of read.events(outcome)) await store.appendAudit(event);
      return outcome;
    },
  };
  return new Proxy(store, {
    get: (target, name) => (name === 'watch' ? off : bindValue(target, Reflect.get(target, name, target))),
  });
}
function bound<T extends object>(object: T): T {
  const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(object)) as (keyof T)[];
  return Object.fromEntries(methods.map((m) => [m, bindValue(object, object[m])])) as T;
}
function bindValue(target: object, value: unknown): unknown {
  return typeof value === 'function' ? value.bind(target) : value;
}

async function startApp(watch: 'on' | 'off'): Promise<BenchApp> {
  const backend = (await backends()).find((b) => b.name === 'sqlite')!;
  const network = await makeNetwork();
  const database: TestDatabase = await backend.create();
  const store = await database.open();
  await seedStore(store, network);
  const clock = new BenchClock(T0 * 1000);
  const app = await buildApp({
    store: watch === 'on' ? store : withoutWatch(store),
    root: network.root,
    serverSigner: await generateSigner(),
    clock,
    checkpointer: new Checkpointer({
      log: store.log,
      network: network.root.network,
      key: await generateSigner(),
      clock,
    }),
    rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
    unsignedRateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
    origin: 'http://127.0.0.1:0',
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const api = new TestApi(httpTransport(origin), clock);
  const directory = await openDirectory(network.root, network.entries);
  const anna = device(network, 'de.anna');
  const ids: string[] = [];
  for (let i = 0; i < CABLES; i++) {
    const cable = await testCable(directory, {
      sender: anna,
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
      ...(await nextPosition(api, anna)),
    });
    const sent = await api.post('/api/v1/cables', cableBody(cable), { as: anna });
    if (sent.status !== 201) throw new Error(`sending failed: ${sent.status} ${sent.text}`);
    ids.push(cable.header.id);
  }
  return {
    api,
    clock,
    store,
    network,
    origin,
    ids,
    async close() {
      await app.close();
      await store.close();
      await database.destroy();
    },
  };
}

/** The officer's live stream over HTTP; each event with the wall time it arrived. */
async function openStream(b: BenchApp, officer: TestDevice) {
  const target = '/api/v1/watch/stream';
  const headers = await signRequest(
    { method: 'GET', url: `${b.origin}${target}`, headers: {} },
    {
      keyId: officer.id,
      signer: officer.signer,
      now: Math.floor(b.clock.now() / 1000),
      nonce: toBase64url(randomBytes(16)),
      sequence: nextSequence(officer.id),
    },
  );
  const abort = new AbortController();
  const response = await fetch(`${b.origin}${target}`, { headers: { ...headers }, signal: abort.signal });
  const events: { type: string; device: string; detail: Record<string, unknown>; at: number }[] = [];
  const reading = (async () => {
    try {
      for await (const message of serverSentEvents(response.body!)) {
        const event = parseLogEvent(message.data);
        events.push({
          type: event.type,
          device: event.object.id,
          detail: event.detail,
          at: performance.now(),
        });
      }
    } catch {
      // closed by the benchmark
    }
  })();
  return {
    async waitFor(type: string, id: string) {
      for (let i = 0; i < 200; i++) {
        const found = events.find((e) => e.type === type && e.device === id);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 25));
      }
      return undefined;
    },
    async close() {
      abort.abort();
      await reading;
    },
  };
}

async function fastThief(b: BenchApp, log: (line: string) => void) {
  const officer = device(b.network, 'fr.officer');
  const thief = device(b.network, 'fr.claire');
  const stream = await openStream(b, officer);
  await new Promise((r) => setTimeout(r, 1500)); // the stream is open before the first read
  const sentAt: number[] = [];
  let exposed = 0;
  let stoppedAt: number | undefined;
  const start = performance.now();
  for (const id of b.ids) {
    sentAt.push(performance.now());
    const got = await b.api.get(`/api/v1/cables/${id}`, { as: thief });
    if (got.status === 200) exposed++;
    else {
      stoppedAt ??= performance.now();
      break;
    }
  }
  const alert = await stream.waitFor('watch.alert', thief.id);
  const held = await stream.waitFor('watch.held', thief.id);
  await stream.close();
  // The read that raised each event is the one its count names (all within one minute).
  const sent = (n: unknown) => sentAt[Math.max(0, Number(n) - 1)] ?? start;
  const figures = {
    fast_thief_cables_exposed: exposed,
    fast_thief_detect_ms: stoppedAt === undefined ? null : Math.round(stoppedAt - start),
    alert_delivery_ms: alert ? Math.round(alert.at - sent(alert.detail.reads)) : null,
    hold_delivery_ms: held ? Math.round(held.at - sent(held.detail.reads)) : null,
  };
  log(
    `fast thief: ${exposed} cables served, stopped ${figures.fast_thief_detect_ms} ms after its first read; alert on the officer's stream ${figures.alert_delivery_ms} ms after the read that raised it, hold ${figures.hold_delivery_ms} ms`,
  );
  return figures;
}

/** Reads at simulated instants; returns the instants of the device's alarms and its refusals. */
async function simulate(b: BenchApp, reader: TestDevice, times: readonly number[]) {
  let after = (await b.store.auditEvents(-1, 1_000_000)).at(-1)?.seq ?? -1;
  const alarms: { at: number; type: string }[] = [];
  let refused = 0;
  for (const [i, at] of times.entries()) {
    b.clock.set(at * 1000);
    const got = await b.api.get(`/api/v1/cables/${b.ids[i % b.ids.length]}`, { as: reader });
    if (got.status !== 200) refused++;
    for (const stored of await b.store.auditEvents(after, 1000)) {
      after = stored.seq;
      const event = parseLogEvent(stored.event);
      if (event.object.id === reader.id && isAlarm(event)) alarms.push({ at: event.at, type: event.type });
    }
  }
  return { alarms, refused };
}

/** A seeded generator (mulberry32), so every run simulates the same week. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function diplomatWeek(monday: number): number[] {
  const next = random(2018);
  const times: number[] = [];
  for (let day = 0; day < 5; day++) {
    // Fourteen bursts of one to ten cables (about eighty a day) between 09:00 and 18:00, at least five minutes apart.
    const starts = new Set<number>();
    while (starts.size < 14) starts.add(Math.floor(next() * 108) * 5);
    for (const minute of [...starts].sort((x, y) => x - y)) {
      const size = 1 + Math.floor(next() * 10);
      for (let r = 0; r < size; r++) times.push(monday + day * DAY + 9 * 3600 + minute * MINUTE + r * 3);
    }
  }
  return times;
}

function registryWeek(monday: number): number[] {
  const times: number[] = [];
  for (let day = 0; day < 5; day++) {
    const morning = monday + day * DAY + 7 * 3600;
    // The night's traffic caught up at once, then the day's cables in bursts as they arrive.
    for (let i = 0; i < 50; i++) times.push(morning + i);
    for (let burst = 0; burst < 13; burst++) {
      for (let i = 0; i < 20; i++) times.push(morning + 3600 + burst * 40 * MINUTE + i);
    }
  }
  return times;
}

async function fetchLatencies(b: BenchApp, reader: TestDevice): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: FETCH_CLIENTS }, async (_, c) => {
      for (let i = 0; i < FETCHES_PER_CLIENT; i++) {
        const id = b.ids[(c * FETCHES_PER_CLIENT + i) % b.ids.length]!;
        const start = performance.now();
        const got = await b.api.get(`/api/v1/cables/${id}`, { as: reader });
        latencies.push(performance.now() - start);
        if (got.status !== 200) throw new Error(`fetch refused: ${got.status} ${got.text}`);
      }
    }),
  );
  return latencies;
}

function p95(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0).toFixed(2));
}

export async function run(log: (line: string) => void) {
  const on = await startApp('on');
  const off = await startApp('off');
  try {
    const fast = await fastThief(on, log);

    // The slow thief: one cable every five minutes, around the clock, from the next midnight.
    const midnight = Math.ceil(on.clock.now() / 1000 / DAY) * DAY;
    const slowTimes = Array.from({ length: 2 * 288 }, (_, i) => midnight + i * 5 * MINUTE);
    const slow = await simulate(on, device(on.network, 'de.anna.2'), slowTimes);
    const firstSlow = slow.alarms[0];
    const slowHours = firstSlow ? Number(((firstSlow.at - midnight) / 3600).toFixed(2)) : null;
    log(
      `slow thief (one cable every 5 minutes): first alarm ${firstSlow ? `${firstSlow.type} after ${slowHours} simulated hours` : 'none in 48 hours'} (every signal on: rate, hours, origin, old archive, clone)`,
    );

    // A normal week: a diplomat and a registry device, from the Monday after.
    const monday = midnight + 7 * DAY - ((Math.floor(midnight / DAY) + 3) % 7) * DAY;
    const dip = await simulate(on, device(on.network, 'de.anna'), diplomatWeek(monday));
    const reg = await simulate(on, device(on.network, 'fr.registry'), registryWeek(monday + 7 * DAY));
    const falseAlarms = dip.alarms.length + reg.alarms.length;
    log(
      `false alarms in a simulated week: diplomat ${dip.alarms.length} (${diplomatWeek(monday).length} reads, ${dip.refused} refused), registry ${reg.alarms.length} (${registryWeek(monday).length} reads, ${reg.refused} refused)`,
    );

    // Fetch latency, watch on and off, interleaved rounds; the registry's limits raised as an
    // officer would, so the measured device is never stopped (the meter's work is the same).
    const limits = { minute: 100_000, '10 minutes': 100_000, hour: 100_000, day: 100_000 };
    const tuned = await on.api.send('PUT', '/api/v1/watch/thresholds/registry', {
      body: { thresholds: { alert: limits, 'step-up': limits, suspend: limits } },
      as: device(on.network, 'fr.officer'),
    });
    if (tuned.status !== 200) throw new Error(`tuning failed: ${tuned.status} ${tuned.text}`);
    for (const b of [on, off]) b.clock.set(Math.max(on.clock.now(), off.clock.now()) + DAY * 1000);
    const withWatch: number[] = [];
    const withoutIt: number[] = [];
    await fetchLatencies(on, device(on.network, 'fr.registry')); // warm-up
    await fetchLatencies(off, device(off.network, 'fr.registry'));
    for (let round = 0; round < ROUNDS; round++) {
      withWatch.push(...(await fetchLatencies(on, device(on.network, 'fr.registry'))));
      withoutIt.push(...(await fetchLatencies(off, device(off.network, 'fr.registry'))));
    }
    const p95On = p95(withWatch);
    const p95Off = p95(withoutIt);
    log(
      `GET /cables/:id p95 over ${withWatch.length} fetches (${FETCH_CLIENTS} clients, SQLite): watch on ${p95On} ms, off ${p95Off} ms (${(((p95On - p95Off) / p95Off) * 100).toFixed(1)}%)`,
    );

    return {
      ...fast,
      slow_thief_detect_hours: slowHours,
      false_alarms_per_week: falseAlarms,
      fetch_p95_ms_watch_on: p95On,
      fetch_p95_ms_watch_off: p95Off,
      backend: 'sqlite',
    };
  } finally {
    await on.close();
    await off.close();
  }
}
