/**
 * Key transparency (docs/design.md §8) with the real server: a server that shows two
 * clients different directories (here: a fork of its database, signed with its own log
 * key, where one client sees a device for de.anna that the other never does), or that
 * rolls one client back (a restored backup), is caught by the clients' own checks — each
 * keeps the newest checkpoint it verified and demands a consistency proof from it — and by
 * a witness that cosigned the other branch. SQLite only: the fork is a copy of its file
 * (`VACUUM INTO`); the checks are the client's and do not depend on the backend.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { witnessLog } from '../../src/client/witness-log.ts';
import { buildApp } from '../../src/server/app.ts';
import { auditRecord } from '../../src/server/audit-event.ts';
import { Checkpointer } from '../../src/server/log/checkpointer.ts';
import { openSqliteStore } from '../../src/server/store/open-sqlite.ts';
import type { SqlStore } from '../../src/server/store/sql-store.ts';
import { backends, rawStatement } from '../server/fixtures/backends.ts';
import { addUser, enrolDevice } from '../server/fixtures/enrol.ts';
import { device, ISSUED_AT, T0, type TestDevice } from '../server/fixtures/network.ts';
import { injectTransport, TestApi } from '../server/fixtures/test-api.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { appFetch } from './app-fetch.ts';
import { appSession, deviceStore } from './app-session.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

const isCode =
  (...codes: string[]) =>
  (error: unknown) =>
    error instanceof ClientError && codes.includes(error.code);

describe('key transparency against a lying server', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'valise-kt-'));
  /** Other copies of the server: a fork and a restored backup, same keys, same clock. */
  const copies: { store: SqlStore; app: FastifyInstance; api: TestApi }[] = [];
  let alice: MemoryKeyStore;
  let bob: MemoryKeyStore;
  let witness: MemoryKeyStore;

  /** A server over a copy of the database as it is now. */
  const copyServer = async (name: string) => {
    const path = join(dir, `${name}.db`);
    assert.equal(await rawStatement(t.database, `VACUUM INTO '${path}'`), undefined);
    const store = await openSqliteStore({ path, onFatal: () => {} });
    const app = await buildApp({
      origin: 'http://valise.test',
      store,
      root: t.network.root,
      serverSigner: t.serverSigner,
      clock: t.clock,
      rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 },
      checkpointer: new Checkpointer({ log: store.log, network: 'test', key: t.logKey, clock: t.clock }),
    });
    await app.ready();
    const copy = { store, app, api: new TestApi(injectTransport(app), t.clock) };
    copies.push(copy);
    return copy;
  };

  const sync = async (store: MemoryKeyStore, app: FastifyInstance) =>
    (await appSession(store, appFetch(app))).directory;

  before(async () => {
    t = await startTestApp(sqlite);
    alice = await deviceStore(t.network, device(t.network, 'fr.claire'));
    bob = await deviceStore(t.network, device(t.network, 'cy.eva'));
    witness = await deviceStore(t.network, device(t.network, 'de.registry'));
  });
  after(async () => {
    for (const copy of copies) {
      await copy.app.close();
      await copy.store.close();
    }
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('both clients verify the same directory through the log, and keep the checkpoint', async () => {
    const a = await sync(alice, t.app);
    const b = await sync(bob, t.app);
    assert.equal(a.epoch, b.epoch);
    assert.ok(await alice.loadCheckpoint('seen'));
  });

  let backup: Awaited<ReturnType<typeof copyServer>>;
  let fork: Awaited<ReturnType<typeof copyServer>>;

  test('a restored backup (a rollback) is refused by a client that saw the newer log', async () => {
    backup = await copyServer('backup');
    fork = await copyServer('fork');
    // The log moves on without touching the directory, and Alice sees it.
    for (let i = 0; i < 5; i++) {
      await t.store.appendAudit(
        auditRecord({
          at: T0,
          type: 'request.refused',
          actor: {},
          object: { kind: 'request', id: 'GET /x' },
          detail: { i },
        }),
      );
    }
    await sync(alice, t.app);
    await assert.rejects(sync(alice, backup.app), isCode('LOG_ROLLBACK'));
  });

  test('a fork shows Bob a device for de.anna that Alice never sees; each client is caught out on the other branch', async () => {
    const officer = device(t.network, 'de.officer');
    // The real log: a new user. The fork: a device for de.anna that only Bob will be shown.
    await addUser(t.api, t.network, officer, {
      v: 1,
      kind: 'user',
      org: 'DE',
      user: 'de.zoe',
      name: 'Zoe',
      clearance: 'RESTREINT UE',
      role: 'member',
      groups: [],
      issuedAt: ISSUED_AT,
    });
    const shadow: TestDevice = await enrolDevice(
      fork.api,
      t.network,
      officer,
      t.network.users['de.anna']!,
      'shadow',
    );

    const seenByAlice = await sync(alice, t.app);
    const seenByBob = await sync(bob, fork.app);
    // Two clients, two directories, each proven in a log signed by the server's key.
    assert.ok(seenByBob.device(shadow.id), 'Bob is shown the shadow device');
    assert.equal(seenByAlice.device(shadow.id), undefined, 'Alice is not');
    assert.ok(seenByAlice.user('de.zoe'));
    assert.equal(seenByBob.user('de.zoe'), undefined);

    // The server cannot merge the two stories: whichever branch a client meets next, its
    // consistency check refuses it (a shorter branch is also a rollback for who saw more).
    await assert.rejects(sync(bob, t.app), isCode('LOG_FORKED'));
    await assert.rejects(sync(alice, fork.app), isCode('LOG_FORKED', 'LOG_ROLLBACK'));
  });

  test('a witness that cosigned the real log refuses the fork and raises an alert', async () => {
    const clock = fixedClock(T0);
    await witnessLog({ store: witness, fetch: appFetch(t.app), clock });
    await assert.rejects(
      witnessLog({ store: witness, fetch: appFetch(fork.app), clock }),
      (error: unknown) =>
        error instanceof ClientError &&
        error.code === 'WITNESS_REFUSED' &&
        /^(SPLIT_VIEW|INCONSISTENT|ROLLBACK):/.test(error.message),
    );
    const alerts = (await fork.store.log.leaves(0, await fork.store.log.size())).filter(
      (l) => l.type === 'log.alert',
    );
    assert.equal(alerts.length, 1);
  });
});
