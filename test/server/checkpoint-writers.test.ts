/**
 * Checkpoints with two app processes over one PostgreSQL (docs/design.md §7, §8): each has its
 * own store (its own pool) and Checkpointer with the node's one log key, and both sign while
 * events arrive. They take turns, so neither ever mistakes the other's newer checkpoint for a
 * rewritten log, and every checkpoint stored verifies with the whole log. One writer is slow
 * between reading the tree size and reading the latest checkpoint: the window the other
 * would race through, signing a larger tree meanwhile.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { signerFromSeed } from '../../src/core/crypto/ed25519.ts';
import { randomBytes } from '../../src/core/encoding/bytes.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { FixedClock } from '../../src/server/clock.ts';
import { Checkpointer } from '../../src/server/log/checkpointer.ts';
import { verifyStore } from '../../src/server/log/verify-store.ts';
import type { LogStore } from '../../src/server/store/log-store.ts';
import type { SqlStore } from '../../src/server/store/sql-store.ts';
import { backends, type TestDatabase } from './fixtures/backends.ts';
import { makeNetwork, T0 } from './fixtures/network.ts';
import { seedStore } from './fixtures/test-app.ts';

const postgres = (await backends()).find((b) => b.name === 'postgres')!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `log`, answering every read of the tree size a while after reading it. */
function slowSize(log: LogStore): LogStore {
  return new Proxy(log, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (name === 'size')
        return async () => {
          const size = await target.size();
          await sleep(40);
          return size;
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('checkpoint writers over one PostgreSQL', { skip: postgres.skip }, () => {
  let database: TestDatabase | undefined;
  const stores: SqlStore[] = [];
  after(async () => {
    for (const store of stores) await store.close();
    await database?.destroy();
  });

  test('two processes sign checkpoints while events arrive: one writer at a time, all verify', async () => {
    const network = await makeNetwork();
    database = await postgres.create();
    stores.push(await database.open(), await database.open());
    await seedStore(stores[0]!, network);
    const key = await signerFromSeed(randomBytes(32));
    const clock = new FixedClock(T0 * 1000);
    const writers = stores.map(
      (store, i) =>
        new Checkpointer({
          log: i === 0 ? slowSize(store.log) : store.log,
          network: network.root.network,
          key,
          clock,
        }),
    );
    const failures: string[] = [];
    let appending = true;
    const events = (async () => {
      for (let i = 0; i < 120; i++) {
        await stores[i % 2]!.appendAudit(
          auditRecord({
            at: T0,
            type: 'cable.fetched',
            actor: {},
            object: { kind: 'test', id: `e${i}` },
            detail: {},
          }),
        );
      }
      appending = false;
    })();
    const signing = writers.map(async (writer, i) => {
      while (appending) {
        await writer.checkpoint().catch((error: unknown) => {
          failures.push(`${i}: ${String(error)}`);
        });
      }
    });
    await Promise.all([events, ...signing]);
    assert.deepEqual(failures, []);
    const report = await verifyStore({
      store: stores[0]!,
      root: network.root,
      logKey: writers[0]!.verifierKey,
    });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.ok((await stores[0]!.log.checkpoints(0, 1000)).length > 1, 'the writers signed more than once');
  });
});
