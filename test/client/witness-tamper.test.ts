/**
 * A hostile operator with the database in hand against the witnesses (docs/design.md §8), on
 * SQLite and PostgreSQL. The operator lifts the append-only triggers as such an attacker would,
 * then:
 * - deletes one event, or rewrites one, leaving the stored tree as it was: the tree still
 *   checks out, but a witness reads every leaf of the new range and refuses to cosign
 *   (`MISSING_LEAF`, `ALTERED_LEAF`), raising an alert, and the officer's listing shows
 *   the deleted event's place as a gap;
 * - cuts the log's tail (the thief's reads) after a witness cosigned it, with its nodes,
 *   checkpoints and cosignatures: the running server refuses to sign the shorter log, a
 *   restarted one is refused by the witness (whose alert then stops the server signing too),
 *   and the officer's listing and a member's sync both refuse the rolled-back log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditEvents } from '../../src/client/audit-events.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { witnessLog } from '../../src/client/witness-log.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/canonical-json.ts';
import { parseLogEvent } from '../../src/core/log/log-event.ts';
import { buildApp } from '../../src/server/app.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { Checkpointer } from '../../src/server/log/checkpointer.ts';
import { IntegrityError } from '../../src/server/store/integrity-error.ts';
import type { Store } from '../../src/server/store/store.ts';
import { type BackendName, backends, rawStatement } from '../server/fixtures/backends.ts';
import { device, T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { appFetch } from './app-fetch.ts';
import { appSession, deviceStore } from './app-session.ts';

async function fetches(t: TestApp, n: number, reader = 'thief', store: Store = t.store): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.appendAudit(
      auditRecord({
        at: T0,
        type: 'cable.fetched',
        actor: { org: 'DE', user: 'de.anna', device: reader },
        object: { kind: 'cable', id: `cable-${reader}-${i}`, org: 'DE' },
        detail: {},
      }),
    );
  }
}

function dropTriggers(backend: BackendName): string[] {
  if (backend === 'sqlite') {
    return ['audit_events', 'merkle_nodes', 'checkpoints', 'cosignatures'].flatMap((table) => [
      `DROP TRIGGER IF EXISTS ${table}_no_update`,
      `DROP TRIGGER IF EXISTS ${table}_no_delete`,
    ]);
  }
  return ['audit_events', 'merkle_nodes', 'checkpoints', 'cosignatures'].map(
    (table) => `DROP TRIGGER IF EXISTS ${table}_no_change ON ${table}`,
  );
}

async function operator(t: TestApp, statements: readonly string[]): Promise<void> {
  for (const statement of [...dropTriggers(t.database.backend), ...statements]) {
    const error = await rawStatement(t.database, statement);
    assert.equal(error, undefined, `${statement}: ${String(error)}`);
  }
}

/** Everything of the log from leaf `cut` on: leaves, the nodes over them, checkpoints, cosignatures. */
function cutTail(cut: number): string[] {
  const nodes: string[] = [];
  for (let level = 0; level < 40; level++) {
    // Node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level): it goes if it reaches past the cut.
    nodes.push(`DELETE FROM merkle_nodes WHERE level = ${level} AND idx >= ${Math.floor(cut / 2 ** level)}`);
  }
  return [
    `DELETE FROM audit_events WHERE leaf_index >= ${cut}`,
    ...nodes,
    `DELETE FROM cosignatures WHERE size > ${cut}`,
    `DELETE FROM checkpoints WHERE size > ${cut}`,
  ];
}

const refusedAs = (reason: string) => (error: unknown) =>
  error instanceof ClientError && error.code === 'WITNESS_REFUSED' && error.message.startsWith(`${reason}:`);

for (const backend of await backends()) {
  describe(`a hostile operator against the witnesses on ${backend.name}`, { skip: backend.skip }, () => {
    let t: TestApp;
    let witness: MemoryKeyStore;

    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => {
      await t?.close();
    });

    const witnessRun = (app = t.app) =>
      witnessLog({ store: witness, fetch: appFetch(app), clock: fixedClock(T0) });

    test('a deleted event, the tree left as it was: the witness reads the range, refuses and alerts', async () => {
      witness = await deviceStore(t.network, device(t.network, 'de.registry'));
      await fetches(t, 5, 'before');
      await witnessRun();
      await fetches(t, 6);
      const size = await t.store.log.size();
      const victim = size - 3;
      assert.equal(
        parseLogEvent((await t.store.log.leaves(victim, victim + 1))[0]!.event).type,
        'cable.fetched',
      );
      await operator(t, [`DELETE FROM audit_events WHERE leaf_index = ${victim}`]);
      const mark = await t.store.log.size();
      await assert.rejects(witnessRun(), refusedAs('MISSING_LEAF'));
      const alerts = (await t.store.log.leaves(mark, await t.store.log.size())).filter(
        (l) => l.type === 'log.alert',
      );
      assert.equal(alerts.length, 1);
      assert.equal(parseLogEvent(alerts[0]!.event).detail.reason, 'MISSING_LEAF');
      // It keeps refusing while the hole is there.
      await assert.rejects(witnessRun(), refusedAs('MISSING_LEAF'));
      // The officer's listing shows the hole where it is, rather than one event fewer.
      const officer = await deviceStore(t.network, device(t.network, 'de.officer'));
      const listed = await auditEvents({ session: await appSession(officer, appFetch(t.app)), limit: 1000 });
      assert.deepEqual(listed.gaps, [victim]);
      assert.ok(
        listed.items.some((e) => e.leaf === victim - 1) && listed.items.some((e) => e.leaf === victim + 1),
      );
    });

    test('an altered event, the tree left as it was: the witness refuses and alerts', async () => {
      await t.close();
      t = await startTestApp(backend);
      witness = await deviceStore(t.network, device(t.network, 'fr.registry'));
      await fetches(t, 4, 'before');
      await witnessRun();
      await fetches(t, 4);
      const victim = (await t.store.log.size()) - 2;
      const [leaf] = await t.store.log.leaves(victim, victim + 1);
      const event = parseLogEvent(leaf!.event);
      const changed = encodeCanonical({ ...event, actor: { org: 'CY', device: 'someone-else' } } as never);
      const literal =
        t.database.backend === 'sqlite' ? `X'${toHex(changed)}'` : `'\\x${toHex(changed)}'::bytea`;
      await operator(t, [`UPDATE audit_events SET event = ${literal} WHERE leaf_index = ${victim}`]);
      await assert.rejects(witnessRun(), refusedAs('ALTERED_LEAF'));
      // The officer's listing marks the altered event where it is and still lists every other.
      const officer = await deviceStore(t.network, device(t.network, 'de.officer'));
      const listed = await auditEvents({ session: await appSession(officer, appFetch(t.app)), limit: 1000 });
      assert.deepEqual(listed.failed, [{ leaf: victim, failure: 'NOT_PROVEN' }]);
      assert.ok(!listed.items.some((e) => e.leaf === victim));
      assert.ok(
        listed.items.some((e) => e.leaf === victim - 1) && listed.items.some((e) => e.leaf === victim + 1),
      );
      // The altered leaf is served by the leaves route too, so the run cannot rebuild: said so.
      assert.deepEqual(listed.unproven, listed.range);
    });

    test("the log's tail cut after a witness cosigned it: the server will not sign it, the witness, the officer and a member each refuse it", async () => {
      await t.close();
      t = await startTestApp(backend);
      witness = await deviceStore(t.network, device(t.network, 'de.registry'));
      const officer = await deviceStore(t.network, device(t.network, 'de.officer'));
      const member = await deviceStore(t.network, device(t.network, 'de.carl'));
      await fetches(t, 3, 'before');
      const cut = await t.store.log.size();
      // The thief's twenty reads, witnessed, listed by the officer, seen by a member.
      await fetches(t, 20);
      await witnessRun();
      const listed = await auditEvents({ session: await appSession(officer, appFetch(t.app)), limit: 1000 });
      assert.equal(listed.items.filter((e) => e.event.actor.device === 'thief').length, 20);
      await appSession(member, appFetch(t.app));

      await operator(t, cutTail(cut));
      assert.equal(await t.store.log.size(), cut);

      // The running server keeps the cosigned checkpoint as a floor: no signature for less.
      await assert.rejects(
        t.checkpointer.checkpoint(),
        (error: unknown) => error instanceof IntegrityError && error.code === 'LOG_BEHIND_WITNESS',
      );
      const refused = await t.api.get('/api/v1/log/checkpoint', { as: device(t.network, 'de.anna') });
      assert.equal(refused.json.error.code, 'INTEGRITY_FAILED');

      // A restarted server knows nothing of it (the cosignatures went with the tail) and signs
      // what is left; new events arrive. Everyone who saw the tail refuses.
      // Restarted: its own store handle, so no state of the first process (the log appender's
      // frontier over the leaves that were cut) carries over.
      const store = await t.database.open();
      const checkpointer = new Checkpointer({
        log: store.log,
        network: 'test',
        key: t.logKey,
        clock: t.clock,
      });
      const app = await buildApp({
        origin: 'http://valise.test',
        store,
        root: t.network.root,
        serverSigner: t.serverSigner,
        clock: t.clock,
        rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
        checkpointer,
      });
      try {
        await checkpointer.checkpoint();
        const isRollback = (error: unknown) =>
          error instanceof ClientError && ['LOG_ROLLBACK', 'LOG_FORKED'].includes(error.code);
        await assert.rejects(
          async () => auditEvents({ session: await appSession(officer, appFetch(app)), limit: 1000 }),
          isRollback,
          'the officer',
        );
        await assert.rejects(appSession(member, appFetch(app)), isRollback, 'the member');
        await fetches(t, 30, 'after', store);
        await assert.rejects(
          witnessRun(app),
          (error: unknown) => error instanceof ClientError && error.code === 'WITNESS_REFUSED',
        );
        // The witness's alert quoted the checkpoint it holds: now this server will not sign either.
        await fetches(t, 1, 'later', store);
        await assert.rejects(
          checkpointer.checkpoint(),
          (error: unknown) => error instanceof IntegrityError && error.code === 'LOG_BEHIND_WITNESS',
        );
      } finally {
        await app.close();
        await store.close();
      }
    });
  });
}
