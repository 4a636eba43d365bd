/**
 * The embedded store refuses settings that could lose an acknowledged write, and stops
 * (fail-stop) when the disk refuses a write, rather than acknowledging it.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { randomBytes } from '../../../src/core/encoding/bytes.ts';
import { auditRecord } from '../../../src/server/audit-event.ts';
import { openSqliteStore } from '../../../src/server/store/open-sqlite.ts';
import { StoreError } from '../../../src/server/store/store-error.ts';
import { randomId, T0 } from '../fixtures/network.ts';

const dir = mkdtempSync(join(tmpdir(), 'valise-open-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const noFatal = () => assert.fail('onFatal must not be called');

test('an in-memory database is refused: it cannot be in WAL mode', async () => {
  await assert.rejects(openSqliteStore({ path: ':memory:', onFatal: noFatal }), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.code, 'NOT_DURABLE');
    assert.match(error.message, /journal_mode/);
    return true;
  });
});

test('a connection that will not run synchronous=FULL is refused', async () => {
  // A build or wrapper that quietly keeps synchronous at NORMAL.
  const connect = (path: string) => {
    const db = new Sqlite(path);
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: Sqlite.PragmaOptions) =>
      pragma(source === 'synchronous = FULL' ? 'synchronous = NORMAL' : source, options)) as typeof db.pragma;
    return db;
  };
  await assert.rejects(
    openSqliteStore({ path: join(dir, 'normal.db'), onFatal: noFatal, connect }),
    (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.equal(error.code, 'NOT_DURABLE');
      assert.match(error.message, /synchronous/);
      return true;
    },
  );
});

test('the store runs in WAL mode with synchronous=FULL and foreign keys on', async () => {
  let connection: Sqlite.Database | undefined;
  const store = await openSqliteStore({
    path: join(dir, 'ok.db'),
    onFatal: noFatal,
    connect: (path) => {
      connection = new Sqlite(path);
      return connection;
    },
  });
  try {
    assert.equal(connection!.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(connection!.pragma('synchronous', { simple: true }), 2);
    assert.equal(connection!.pragma('foreign_keys', { simple: true }), 1);
  } finally {
    await store.close();
  }
});

test('a full disk during a cable write stops the store: onFatal runs, nothing is acknowledged or kept', async () => {
  const path = join(dir, 'full.db');
  let connection: Sqlite.Database | undefined;
  const fatal: unknown[] = [];
  const store = await openSqliteStore({
    path,
    onFatal: (error) => fatal.push(error),
    connect: (p) => {
      connection = new Sqlite(p);
      return connection;
    },
  });
  // The disk "fills up": the database may not grow beyond a few more pages.
  const pages = Number(connection!.pragma('page_count', { simple: true }));
  connection!.pragma(`max_page_count = ${pages + 4}`);
  const audit = auditRecord({
    at: T0,
    type: 'cable.accepted',
    actor: {},
    object: { kind: 'cable', id: 'x' },
    detail: {},
  });
  const cable = {
    id: randomId(),
    org: 'DE',
    year: 2026,
    serial: 1,
    prev: undefined,
    senderDevice: randomId(),
    senderUser: 'de.sender',
    distribution: [{ org: 'FR', role: 'action' as const }],
    header: randomBytes(100),
    signature: randomBytes(64),
    content: new Uint8Array(512 * 1024).fill(7),
    hash: randomBytes(32),
    classification: 'RESTREINT UE',
    precedence: 'ROUTINE',
    sentAt: T0,
    acceptedAt: T0,
  };
  await assert.rejects(store.acceptCable(cable, [], audit), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.code, 'FATAL');
    return true;
  });
  assert.equal(fatal.length, 1);
  assert.match(String((fatal[0] as { code?: string }).code), /^SQLITE_FULL/);
  // Every later write is refused without touching the database.
  connection!.pragma('max_page_count = 1000000');
  await assert.rejects(
    store.appendAudit(audit),
    (error: unknown) => error instanceof StoreError && error.code === 'FATAL',
  );
  await store.close();
  const reopened = await openSqliteStore({ path, onFatal: noFatal });
  try {
    assert.equal((await reopened.counts()).cables, 0);
  } finally {
    await reopened.close();
  }
});

test('the database file and its WAL and shared-memory files are made readable by the owner only', async () => {
  const previous = process.umask(0o022);
  try {
    const path = join(dir, 'modes', 'valise.db');
    const store = await openSqliteStore({ path, onFatal: noFatal });
    try {
      // A write, so the WAL holds a frame while the store is open.
      await store.appendAudit(
        auditRecord({
          at: T0,
          type: 'cable.fetched',
          actor: {},
          object: { kind: 'test', id: randomId() },
          detail: {},
        }),
      );
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        assert.equal(statSync(file).mode & 0o777, 0o600, file);
      }
    } finally {
      await store.close();
    }
  } finally {
    process.umask(previous);
  }
});

test('a database file found readable by others is narrowed to the owner on open', async () => {
  const path = join(dir, 'narrowed.db');
  const first = await openSqliteStore({ path, onFatal: noFatal });
  await first.close();
  chmodSync(path, 0o644);
  const store = await openSqliteStore({ path, onFatal: noFatal });
  try {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
  } finally {
    await store.close();
  }
});

test("the store's connection never checkpoints; a worker copies the WAL into the database file", async () => {
  const path = join(dir, 'checkpointed.db');
  let connection: Sqlite.Database | undefined;
  const store = await openSqliteStore({
    path,
    onFatal: noFatal,
    connect: (p) => {
      connection = new Sqlite(p);
      return connection;
    },
  });
  try {
    // A checkpoint on a commit would stall the event loop every request waits on.
    assert.equal(connection!.pragma('wal_autocheckpoint', { simple: true }), 0);
    const before = statSync(path).size;
    for (let i = 0; i < 50; i++) {
      await store.appendAudit(
        auditRecord({
          at: T0,
          type: 'cable.fetched',
          actor: {},
          object: { kind: 'test', id: randomId() },
          detail: {},
        }),
      );
    }
    // The events reach the database file itself, not only the WAL, with no checkpoint asked here.
    while (statSync(path).size <= before) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(statSync(path).size > before);
  } finally {
    await store.close();
  }
  const reopened = new Sqlite(path, { readonly: true });
  try {
    assert.equal((reopened.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n, 50);
  } finally {
    reopened.close();
  }
});
