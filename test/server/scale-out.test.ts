/**
 * Scale-out (docs/design.md §7): two app processes of one node, real HTTP servers in child
 * processes over one PostgreSQL database, sharing the node's origin, server key and log key.
 * Senders are spread over both (two devices of one organisation on different processes, so
 * they race for one series); both are asked for checkpoints throughout; one process is
 * SIGKILLed mid-load and the other carries on. Afterwards:
 * - a nonce used at one process is refused at the other;
 * - every cable whose receipt a sender got is served again, byte for byte;
 * - no cable lacks a wrap or its `cable.accepted` event, and every series is gapless;
 * - the whole audit log verifies from the store (`valise audit verify`): every leaf, every
 *   tree node and every checkpoint, under the one log key;
 * - no checkpoint request failed: checkpoints are issued by one writer at a time.
 * Needs PostgreSQL; skipped without it (VALISE_REQUIRE_POSTGRES=1 turns the skip into a failure).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { cableHash, decodeCableHeader } from '../../src/core/cable/cable-header.ts';
import { checkSeries } from '../../src/core/cable/check-series.ts';
import type { SealedCable } from '../../src/core/cable/sealed-cable.ts';
import { signerFromSeed } from '../../src/core/crypto/ed25519.ts';
import { fromUtf8, randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { decodeCanonical } from '../../src/core/encoding/decode.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import { SIGNATURE_TYPES } from '../../src/core/log/checkpoint/key-id.ts';
import { formatVerifierKey } from '../../src/core/log/checkpoint/verifier-key.ts';
import { logOrigin } from '../../src/core/log/log-names.ts';
import { FixedClock } from '../../src/server/clock.ts';
import { verifyStore } from '../../src/server/log/verify-store.ts';
import { backends, rawRows, type TestDatabase } from './fixtures/backends.ts';
import { device, makeNetwork, T0 } from './fixtures/network.ts';
import { type ServerProcess, spawnServer } from './fixtures/spawn-server.ts';
import { httpTransport, TestApi, type Transport, type WireCall } from './fixtures/test-api.ts';
import { seedStore } from './fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from './fixtures/test-cable.ts';

/** The node's one origin: what every signature names, whichever process serves it. */
const NODE_ORIGIN = 'http://valise.scale';
/** Each sender's process: 0, 1, or alternating per send. */
const SENDERS = [
  ['de.anna', 0],
  ['de.anna.2', 1],
  ['fr.claire', 'both'],
  ['cy.eva', 'both'],
] as const;
/** Receipts before the kill, and after it on the surviving process. */
const BEFORE_KILL = 12;
const AFTER_KILL = 12;

const postgres = (await backends()).find((b) => b.name === 'postgres')!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends to `server` what is signed for the node's origin; `seen` gets every call. */
function nodeTransport(server: ServerProcess, seen?: (call: WireCall) => void): Transport {
  const socket = httpTransport(server.origin);
  return {
    origin: NODE_ORIGIN,
    send: (call) => {
      seen?.(call);
      return socket.send(call);
    },
  };
}

describe('scale-out: two node processes over one PostgreSQL', { skip: postgres.skip }, () => {
  let database: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    await database?.destroy();
  });

  test('one process killed mid-load: nothing receipted is lost, series stay gapless, the log verifies', async () => {
    const network = await makeNetwork();
    const directory = await openDirectory(network.root, network.entries);
    database = await postgres.create();
    const seeding = await database.open();
    await seedStore(seeding, network);
    await seeding.close();
    const seed = randomBytes(32);
    const logSeed = randomBytes(32);
    const start = () =>
      spawnServer({
        backend: 'postgres',
        location: database!.location,
        root: network.root,
        seed,
        logSeed,
        origin: NODE_ORIGIN,
        now: T0,
      });
    const pair = await Promise.all([start(), start()]);
    servers.push(...pair);
    const clock = new FixedClock(T0 * 1000);

    // 1. A nonce used at one process is refused at the other (nonces live in the database).
    let captured: WireCall | undefined;
    const recording = new TestApi(
      nodeTransport(pair[0], (call) => {
        captured = call;
      }),
      clock,
    );
    const first = await recording.get('/api/v1/inbox', { as: device(network, 'fr.claire') });
    assert.equal(first.status, 200, first.text);
    const replayed = await nodeTransport(pair[1]).send(captured!);
    assert.equal(replayed.status, 401, replayed.text);
    assert.equal(replayed.json.error.code, 'REPLAYED');

    // 2. Load on both, checkpoints asked of both, then process 0 is killed mid-load.
    const apis = pair.map((server) => new TestApi(nodeTransport(server), clock));
    const alive = [true, true];
    const sent = new Map<string, SealedCable>();
    const receipts = new Map<string, { hash: string; reference: string }>();
    const unexpected: string[] = [];
    const checkpointFailures: string[] = [];
    let stopped = false;
    let sends = 0;
    const pick = (home: 0 | 1 | 'both'): TestApi => {
      const wanted = home === 'both' ? sends++ % 2 : home;
      return apis[alive[wanted] ? wanted : 1 - wanted]!;
    };
    const load = SENDERS.map(async ([name, home]) => {
      const sender = device(network, name);
      const others = ['CY', 'DE', 'FR'].filter((org) => org !== sender.org);
      while (!stopped) {
        const api = pick(home);
        try {
          const cable = await testCable(directory, {
            sender,
            distribution: others.map((org) => ({ org, role: 'action' as const })),
            contentBytes: 1024,
            ...(await nextPosition(api, sender)),
          });
          sent.set(cable.header.id, cable);
          const response = await api.post('/api/v1/cables', cableBody(cable), { as: sender });
          if (response.status === 201 || response.status === 200) {
            receipts.set(cable.header.id, response.json.receipt);
          } else if (response.status !== 409) {
            // 409: the other device of the organisation took that serial first; ask again.
            unexpected.push(`${name}: ${response.status} ${response.text}`);
          }
        } catch {
          // The process died under this request: the next one goes to the survivor.
        }
      }
    });
    const checkpoints = [0, 1].map(async (i) => {
      const officer = device(network, i === 0 ? 'de.officer' : 'fr.officer');
      while (!stopped && alive[i]) {
        try {
          const response = await apis[i]!.get('/api/v1/log/checkpoint', { as: officer });
          if (response.status !== 200) checkpointFailures.push(`${i}: ${response.status} ${response.text}`);
        } catch {
          if (alive[i]) checkpointFailures.push(`${i}: the request failed`);
        }
      }
    });
    const waitFor = async (count: number) => {
      for (let waited = 0; receipts.size < count && waited < 120_000; waited += 10) await sleep(10);
    };
    await waitFor(BEFORE_KILL);
    alive[0] = false;
    pair[0].child.kill('SIGKILL');
    await pair[0].exited;
    const atKill = receipts.size;
    await waitFor(atKill + AFTER_KILL);
    stopped = true;
    await Promise.all([...load, ...checkpoints]);
    assert.deepEqual(unexpected, []);
    assert.deepEqual(checkpointFailures, []);
    assert.ok(receipts.size >= atKill + AFTER_KILL, `only ${receipts.size} receipts`);

    // 3. Every receipted cable is served again by the survivor, intact. Senders read back at
    //    machine speed, which the watch would hold as a scrape: officers raise the limits first.
    const survivor = apis[1]!;
    const unlimited = { minute: 100_000, '10 minutes': 100_000, hour: 100_000, day: 100_000 };
    for (const officer of ['de.officer', 'fr.officer', 'cy.officer']) {
      const tuned = await survivor.send('PUT', '/api/v1/watch/thresholds/member', {
        body: { thresholds: { alert: unlimited, 'step-up': unlimited, suspend: unlimited } },
        as: device(network, officer),
      });
      assert.equal(tuned.status, 200, tuned.text);
    }
    for (const [id, receipt] of receipts) {
      const cable = sent.get(id)!;
      const sender = SENDERS.map(([n]) => device(network, n)).find(
        (d) => d.id === cable.header.sender.device,
      )!;
      const response = await survivor.get(`/api/v1/cables/${id}`, { as: sender });
      assert.equal(response.status, 200, `receipted cable ${receipt.reference} is missing`);
      assert.equal(response.json.cable.content, toBase64url(cable.content));
      assert.equal(toBase64url(cableHash(cable.header, cable.signature)), receipt.hash);
    }
    pair[1].child.kill('SIGTERM');
    await pair[1].exited;

    // 4. No half-written cable, one event per cable, gapless series.
    const rows = await rawRows(
      database,
      'SELECT c.id, c.header, c.signature, (SELECT COUNT(*) FROM wraps w WHERE w.cable_seq = c.seq) AS wraps FROM cables c ORDER BY c.seq',
    );
    const accepted = (
      await rawRows(database, "SELECT event FROM audit_events WHERE type = 'cable.accepted'")
    ).map((r) => JSON.parse(fromUtf8(r.event as Uint8Array)!).object.id as string);
    assert.ok(rows.length >= receipts.size);
    const items = rows.map((row) => {
      const header = decodeCanonical(new Uint8Array(row.header as Uint8Array), decodeCableHeader);
      assert.equal(Number(row.wraps), header.recipients.length, `cable ${row.id} lacks wraps`);
      assert.equal(accepted.filter((a) => a === row.id).length, 1, `cable ${row.id} lacks its event`);
      return { header, hash: cableHash(header, new Uint8Array(row.signature as Uint8Array)) };
    });
    assert.equal(accepted.length, rows.length, 'an accepted event without its cable');
    const series = checkSeries(items);
    assert.deepEqual({ gaps: series.gaps, forks: series.forks }, { gaps: [], forks: [] });

    // 5. The audit log verifies from the store under the node's one log key.
    const store = await database.open();
    try {
      const logKey = formatVerifierKey(
        logOrigin(network.root.network),
        SIGNATURE_TYPES.ed25519,
        (await signerFromSeed(logSeed)).publicKey,
      );
      const report = await verifyStore({ store, root: network.root, logKey });
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.ok((await store.log.latestCheckpoint()) !== undefined, 'no checkpoint was signed');
    } finally {
      await store.close();
    }
    console.log(
      `postgres, two processes: ${receipts.size} receipts (${atKill} before the kill), ${rows.length} cables stored`,
    );
  });
});
