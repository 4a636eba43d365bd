/**
 * A witness that runs continuously (docs/design.md §8): `followWitness` cosigns round after
 * round as the log grows, stops when asked between rounds, and stops at a refusal — here a
 * deleted event — rather than go on as if nothing happened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import { followWitness } from '../../src/client/follow-witness.ts';
import type { Cosigned } from '../../src/client/witness-log.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { backends, rawStatement } from '../server/fixtures/backends.ts';
import { device, T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { appFetch } from './app-fetch.ts';
import { deviceStore } from './app-session.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

describe('a witness following the log', { skip: sqlite.skip }, () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(sqlite);
  });
  after(async () => {
    await t?.close();
  });

  const grow = () =>
    t.store.appendAudit(
      auditRecord({
        at: T0,
        type: 'request.refused',
        actor: {},
        object: { kind: 'request', id: 'GET /x' },
        detail: {},
      }),
    );

  test('it cosigns each round as the log grows, and stops when asked', async () => {
    const store = await deviceStore(t.network, device(t.network, 'de.registry'));
    const sizes: number[] = [];
    const stop = new AbortController();
    const summary = await followWitness({
      store,
      fetch: appFetch(t.app),
      clock: fixedClock(T0),
      intervalMs: 1,
      signal: stop.signal,
      onRound: (outcome) => {
        assert.ok(!(outcome instanceof Error), String(outcome));
        sizes.push((outcome as Cosigned).size);
        if (sizes.length === 3) stop.abort();
        else void grow();
      },
    });
    assert.equal(summary.rounds, 3);
    assert.equal(summary.cosigned, 3);
    assert.ok(sizes[0]! < sizes[1]! && sizes[1]! < sizes[2]!, sizes.join(' < '));
  });

  test('a refusal stops it: an event deleted between two rounds', async () => {
    const store = await deviceStore(t.network, device(t.network, 'fr.registry'));
    let rounds = 0;
    await assert.rejects(
      followWitness({
        store,
        fetch: appFetch(t.app),
        clock: fixedClock(T0),
        intervalMs: 1,
        rounds: 10,
        onRound: async () => {
          rounds++;
          await grow();
          await grow();
          const victim = (await t.store.log.size()) - 2;
          for (const statement of [
            'DROP TRIGGER IF EXISTS audit_events_no_delete',
            `DELETE FROM audit_events WHERE leaf_index = ${victim}`,
          ]) {
            assert.equal(await rawStatement(t.database, statement), undefined);
          }
        },
      }),
      (error: unknown) => error instanceof ClientError && error.code === 'WITNESS_REFUSED',
    );
    assert.equal(rounds, 1, 'the round after the deletion refused, and nothing ran after it');
  });
});
