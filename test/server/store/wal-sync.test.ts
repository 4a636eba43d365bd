/**
 * The WAL sync behind the SQLite store (wal-sync.ts), on a real connection: a commit counts
 * at the statement that makes it; one sync covers every commit made before it started, and
 * commits made while it runs share the next one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { StoreError } from '../../../src/server/store/store-error.ts';
import { WalSync } from '../../../src/server/store/wal-sync.ts';

const dir = mkdtempSync(join(tmpdir(), 'valise-wal-sync-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL database with one table, its connection as the store counts it, and a sync over it. */
async function walDatabase(name: string, datasync: (file: FileHandle) => Promise<void>) {
  const path = join(dir, name);
  const connection = new Sqlite(path);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.exec('CREATE TABLE t (n INTEGER)');
  const sync = await WalSync.open(path, datasync);
  const database = sync.counting(
    { prepare: (sql) => connection.prepare(sql), close: () => connection.close() },
    connection,
  );
  const insert = (n: number) => database.prepare('INSERT INTO t (n) VALUES (?)').run([n]);
  const close = async () => {
    await sync.close();
    connection.close();
  };
  return { sync, database, insert, close };
}

/** A WAL database whose syncs wait until the test releases them. */
async function heldSync(name: string) {
  const held: (() => void)[] = [];
  let syncs = 0;
  const wal = await walDatabase(name, async (file) => {
    syncs += 1;
    await new Promise<void>((resolve) => held.push(resolve));
    await file.datasync();
  });
  const release = () => {
    for (const go of held.splice(0)) go();
  };
  const close = async () => {
    release();
    await wal.close();
  };
  return { ...wal, release, close, syncs: () => syncs, holding: () => held.length };
}

/** What was committed is not settled until the held sync is released, and then it is. */
async function settlesOnRelease(held: Awaited<ReturnType<typeof heldSync>>): Promise<void> {
  const settled = tracked(held.sync.settled());
  await turns(2);
  assert.equal(settled.done(), false, 'settled before its sync finished');
  held.release();
  await settled.promise;
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

function tracked(promise: Promise<void>): { done: () => boolean; promise: Promise<void> } {
  let done = false;
  return {
    done: () => done,
    promise: promise.then(() => {
      done = true;
    }),
  };
}

test('with no commit since the last sync, settling needs no sync', async () => {
  const held = await heldSync('idle.db');
  try {
    await held.sync.settled();
    assert.equal(held.syncs(), 0);
    // A read is no commit.
    held.database.prepare('SELECT count(*) FROM t').all([]);
    await held.sync.settled();
    assert.equal(held.syncs(), 0);
  } finally {
    await held.close();
  }
});

test('ten commits made while a sync runs are made durable by one more sync', async () => {
  const held = await heldSync('shared.db');
  try {
    held.insert(1);
    const first = tracked(held.sync.settled());
    await turns(2);
    assert.equal(held.holding(), 1);
    const later: ReturnType<typeof tracked>[] = [];
    for (let i = 0; i < 10; i++) {
      held.insert(i);
      later.push(tracked(held.sync.settled()));
    }
    await turns(5);
    assert.equal(held.syncs(), 1, 'no second sync starts while one runs');
    held.release();
    await first.promise;
    // The first sync started before they committed: it does not cover them.
    await turns(2);
    assert.ok(later.every((t) => !t.done()));
    assert.equal(held.holding(), 1);
    held.release();
    await Promise.all(later.map((t) => t.promise));
    assert.equal(held.syncs(), 2);
  } finally {
    await held.close();
  }
});

test('a transaction counts at its COMMIT, not at the writes inside it', async () => {
  const held = await heldSync('trx.db');
  try {
    held.database.prepare('BEGIN').run([]);
    held.insert(1);
    held.insert(2);
    // Inside the transaction nothing is committed, so there is nothing to wait for.
    await held.sync.settled();
    assert.equal(held.syncs(), 0);
    held.database.prepare('COMMIT').run([]);
    await settlesOnRelease(held);
    assert.equal(held.syncs(), 1);
  } finally {
    await held.close();
  }
});

test('a write in autocommit counts, even one that returns rows; a read does not', async () => {
  const held = await heldSync('returning.db');
  try {
    held.database.prepare('SELECT n FROM t').all([]);
    await held.sync.settled();
    assert.equal(held.syncs(), 0);
    // better-sqlite3 runs INSERT … RETURNING as a reader: it still commits.
    held.database.prepare('INSERT INTO t (n) VALUES (7) RETURNING n').all([]);
    await settlesOnRelease(held);
    assert.equal(held.syncs(), 1);
  } finally {
    await held.close();
  }
});

test('closing syncs what is left, and a wait after it is refused as closed, not as a disk failure', async () => {
  let syncs = 0;
  const wal = await walDatabase('close.db', async (file) => {
    syncs += 1;
    await file.datasync();
  });
  wal.insert(1);
  await wal.close();
  assert.equal(syncs, 1, 'the last commit was synced before the file closed');
  await assert.rejects(
    wal.sync.settled(),
    (error: unknown) => error instanceof StoreError && error.code === 'UNAVAILABLE',
  );
});

test('after a failed sync every wait is refused as FATAL, with the disk error as cause', async () => {
  const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
  const wal = await walDatabase('eio.db', async () => {
    throw failure;
  });
  try {
    const isFatal = (error: unknown) =>
      error instanceof StoreError && error.code === 'FATAL' && error.cause === failure;
    wal.insert(1);
    await assert.rejects(wal.sync.settled(), isFatal);
    // Even with nothing new committed: the disk lost what it was given.
    await assert.rejects(wal.sync.settled(), isFatal);
  } finally {
    await wal.close();
  }
});
