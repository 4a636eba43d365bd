/**
 * The embedded store refuses settings that could lose an acknowledged write, and stops
 * (fail-stop) when the disk refuses a write, rather than acknowledging it.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
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

/** An event that is an act of its own: one group-committed write. */
const event = () =>
  auditRecord({
    at: T0,
    type: 'cable.fetched',
    actor: {},
    object: { kind: 'test', id: randomId() },
    detail: {},
  });

test('an in-memory database is refused: it cannot be in WAL mode', async () => {
  await assert.rejects(openSqliteStore({ path: ':memory:', onFatal: noFatal }), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.code, 'NOT_DURABLE');
    assert.match(error.message, /journal_mode/);
    return true;
  });
});

test('a connection that will not run synchronous=NORMAL is refused', async () => {
  // A build or wrapper that quietly keeps synchronous OFF: not even a checkpoint would sync.
  const connect = (path: string) => {
    const db = new Sqlite(path);
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: Sqlite.PragmaOptions) =>
      pragma(source === 'synchronous = NORMAL' ? 'synchronous = OFF' : source, options)) as typeof db.pragma;
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

test('the store runs in WAL mode with synchronous=NORMAL (the WAL synced apart) and foreign keys on', async () => {
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
    assert.equal(connection!.pragma('synchronous', { simple: true }), 1);
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
      await store.appendAudit(event());
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
      await store.appendAudit(event());
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

/** A disk whose WAL sync waits until the test lets it go, counting the syncs. */
function heldDisk() {
  const held: (() => void)[] = [];
  let syncs = 0;
  const datasync = async (file: FileHandle) => {
    syncs += 1;
    await new Promise<void>((resolve) => held.push(resolve));
    await file.datasync();
  };
  const release = async () => {
    // Let the store reach its sync first: a write's COMMIT and the sync's start are a few turns apart.
    for (let i = 0; i < 20 && held.length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    for (const go of held.splice(0)) go();
  };
  return { datasync, release, syncs: () => syncs, holding: () => held.length };
}

/** Settles `promise` into a flag, so a test can ask whether it has settled yet. */
function watch<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  return { settled: () => done, promise: tracked };
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('a write is answered only after its WAL is synced, and a read waits for what it could see', async () => {
  const disk = heldDisk();
  const store = await openSqliteStore({
    path: join(dir, 'held.db'),
    onFatal: noFatal,
    datasync: disk.datasync,
  });
  try {
    const write = watch(store.appendAudit(event()));
    while (disk.holding() === 0) await turns(1);
    // Committed to the WAL, not yet on disk: neither the write nor a read that sees it answers.
    const read = watch(store.counts());
    await turns(20);
    assert.equal(write.settled(), false, 'the write was answered before its sync');
    assert.equal(read.settled(), false, 'a read showed a commit not yet on disk');
    await disk.release();
    assert.equal(await write.promise, 0);
    // The read ran after the commit: it waited for the same sync, or one of its own.
    while (!read.settled()) await disk.release();
    assert.equal((await read.promise).audit_events, 1);
  } finally {
    await disk.release();
    await store.close();
  }
});

test('a failed WAL sync stops the store: onFatal runs once, nothing is acknowledged, later writes are refused', async () => {
  const fatal: unknown[] = [];
  const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
  let fail = false;
  const store = await openSqliteStore({
    path: join(dir, 'eio.db'),
    onFatal: (error) => fatal.push(error),
    datasync: async (file) => {
      if (fail) throw failure;
      await file.datasync();
    },
  });
  try {
    await store.appendAudit(event());
    fail = true;
    const isFatal = (error: unknown) => error instanceof StoreError && error.code === 'FATAL';
    await assert.rejects(store.appendAudit(event()), isFatal);
    await assert.rejects(store.consumeNonce(randomId(), randomId(), T0 + 60, T0), isFatal);
    // A read cannot vouch for what it sees either.
    await assert.rejects(store.counts(), isFatal);
    assert.deepEqual(fatal, [failure]);
  } finally {
    await store.close();
  }
});
