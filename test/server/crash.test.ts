/**
 * Crash test (docs/design.md §7): a server in a child process takes a burst of sends from
 * three devices and is killed with SIGKILL at a random moment, round after round (at least
 * 20 kills in all; VALISE_CRASH_ROUNDS sets the rounds per backend for a longer campaign).
 * Afterwards:
 * - every cable whose receipt a sender got is served again, byte for byte, under that receipt;
 * - no cable lacks a wrap of its recipients or its `cable.accepted` event;
 * - every organisation's series is gapless and chained (core checkSeries).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { cableHash, decodeCableHeader } from '../../src/core/cable/cable-header.ts';
import { checkSeries } from '../../src/core/cable/check-series.ts';
import type { SealedCable } from '../../src/core/cable/sealed-cable.ts';
import { signerFromSeed } from '../../src/core/crypto/ed25519.ts';
import { fromBase64url, fromUtf8, randomBytes, toBase64url } from '../../src/core/encoding/bytes.ts';
import { decodeCanonical } from '../../src/core/encoding/decode.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import { FixedClock } from '../../src/server/clock.ts';
import { verifyReceipt } from '../../src/server/receipt.ts';
import { type Backend, backends, rawRows, type TestDatabase } from './fixtures/backends.ts';
import { device, makeNetwork, T0, type TestNetwork } from './fixtures/network.ts';
import { type ServerProcess, spawnServer } from './fixtures/spawn-server.ts';
import { httpTransport, TestApi, type TestResponse } from './fixtures/test-api.ts';
import { seedStore } from './fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from './fixtures/test-cable.ts';

const SENDERS = ['de.anna', 'fr.claire', 'cy.eva'] as const;
const MIN_KILLS = 20;

const all = await backends();
const running = all.filter((b) => !b.skip).length || 1;
const ROUNDS = Number(process.env.VALISE_CRASH_ROUNDS) || Math.ceil(MIN_KILLS / running);

interface Server extends ServerProcess {
  readonly api: TestApi;
}

async function startServer(
  backend: Backend,
  database: TestDatabase,
  network: TestNetwork,
  seed: Uint8Array,
): Promise<Server> {
  const server = await spawnServer({
    backend: backend.name,
    location: database.location,
    root: network.root,
    seed,
    now: T0,
  });
  return { ...server, api: new TestApi(httpTransport(server.origin), new FixedClock(T0 * 1000)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of all) {
  describe(`crash test on ${backend.name}`, { skip: backend.skip }, () => {
    let database: TestDatabase | undefined;
    let server: Server | undefined;
    after(async () => {
      server?.child.kill('SIGKILL');
      await server?.exited;
      await database?.destroy();
    });

    test(`${ROUNDS} SIGKILLs mid-burst lose no acknowledged cable and leave no half-written one`, async () => {
      const network = await makeNetwork();
      const directory = await openDirectory(network.root, network.entries);
      database = await backend.create();
      const seeding = await database.open();
      await seedStore(seeding, network);
      await seeding.close();
      const seed = randomBytes(32);
      const serverKey = (await signerFromSeed(seed)).publicKey;

      const sent = new Map<string, SealedCable>();
      const receipts = new Map<
        string,
        { cable: string; reference: string; hash: string; acceptedAt: number; signature: string }
      >();
      const unexpected: string[] = [];
      let kills = 0;

      for (let round = 0; round < ROUNDS; round++) {
        server = await startServer(backend, database, network, seed);
        const { api } = server;
        let stopped = false;
        const burst = SENDERS.map(async (name) => {
          const sender = device(network, name);
          const others = ['CY', 'DE', 'FR'].filter((org) => org !== sender.org);
          while (!stopped) {
            let cable: SealedCable;
            try {
              cable = await testCable(directory, {
                sender,
                distribution: others.map((org) => ({ org, role: 'action' as const })),
                contentBytes: 2048,
                ...(await nextPosition(api, sender)),
              });
              sent.set(cable.header.id, cable);
              const response = await api.post('/api/v1/cables', cableBody(cable), { as: sender });
              if (response.status === 201 || response.status === 200)
                receipts.set(cable.header.id, response.json.receipt);
              else unexpected.push(`${name}: ${response.status} ${response.text}`);
            } catch {
              return; // the server died under us: that is the point
            }
          }
        });
        // Kill mid-burst: once this round has had a receipt (so a slow, busy machine still
        // kills a server that is accepting cables, not one still starting), then at a random
        // moment. The wait is bounded: a server that accepts nothing fails the test below.
        const before = receipts.size;
        for (let waited = 0; receipts.size === before && waited < 30_000; waited += 5) await sleep(5);
        await sleep(Math.floor(Math.random() * 240));
        server.child.kill('SIGKILL');
        kills += 1;
        await server.exited;
        stopped = true;
        await Promise.all(burst);
      }
      assert.ok(kills >= Math.min(ROUNDS, MIN_KILLS));
      assert.deepEqual(unexpected, []);
      assert.ok(receipts.size > 0, 'the bursts got some cables through');

      // 1. Every receipted cable is served again, intact, under its receipt. Each sender reads
      // back all it sent at machine speed, which the watch would rightly hold as a scrape: each
      // organisation's officer first raises its members' read limits, as an officer may.
      server = await startServer(backend, database, network, seed);
      const unlimited = { minute: 100_000, '10 minutes': 100_000, hour: 100_000, day: 100_000 };
      for (const officer of ['de.officer', 'fr.officer', 'cy.officer']) {
        const tuned: TestResponse = await server.api.send('PUT', '/api/v1/watch/thresholds/member', {
          body: { thresholds: { alert: unlimited, 'step-up': unlimited, suspend: unlimited } },
          as: device(network, officer),
        });
        assert.equal(tuned.status, 200, tuned.text);
      }
      for (const [id, receipt] of receipts) {
        const cable = sent.get(id)!;
        assert.equal(
          await verifyReceipt(serverKey, {
            cable: receipt.cable,
            reference: receipt.reference,
            hash: fromBase64url(receipt.hash)!,
            acceptedAt: receipt.acceptedAt,
            signature: fromBase64url(receipt.signature)!,
          }),
          true,
        );
        const sender =
          network.devices[SENDERS.find((n) => device(network, n).id === cable.header.sender.device)!]!;
        const response: TestResponse = await server.api.get(`/api/v1/cables/${id}`, { as: sender });
        assert.equal(
          response.status,
          200,
          `receipted cable ${receipt.reference} is missing after the crashes`,
        );
        assert.equal(response.json.cable.signature, toBase64url(cable.signature));
        assert.equal(response.json.cable.content, toBase64url(cable.content));
        assert.equal(toBase64url(cableHash(cable.header, cable.signature)), receipt.hash);
      }
      server.child.kill('SIGKILL');
      await server.exited;
      server = undefined;

      // 2. No half-written cable: all wraps and the accepted event, for every stored cable.
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
        assert.equal(accepted.filter((a) => a === row.id).length, 1, `cable ${row.id} lacks its audit event`);
        return { header, hash: cableHash(header, new Uint8Array(row.signature as Uint8Array)) };
      });
      assert.equal(accepted.length, rows.length, 'an accepted event without its cable');
      // 3. The series are gapless and chained.
      const report = checkSeries(items);
      assert.deepEqual({ gaps: report.gaps, forks: report.forks }, { gaps: [], forks: [] });
      console.log(`${backend.name}: ${kills} kills, ${receipts.size} receipts, ${rows.length} cables stored`);
    });
  });
}
