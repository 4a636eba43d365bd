/**
 * The WAL sync behind the SQLite store (wal-sync.ts): a ticket is durable only after a sync
 * that started once it had ended; tickets that end while a sync runs share the next one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { StoreError } from '../../../src/server/store/store-error.ts';
import { WalSync } from '../../../src/server/store/wal-sync.ts';

const dir = mkdtempSync(join(tmpdir(), 'valise-wal-sync-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A WalSync over a real file whose syncs wait until the test releases them. */
async function heldSync(name: string) {
  const path = join(dir, name);
  writeFileSync(`${path}-wal`, 'frames');
  const held: (() => void)[] = [];
  let syncs = 0;
  const sync = await WalSync.open(path, async (file: FileHandle) => {
    syncs += 1;
    await new Promise<void>((resolve) => held.push(resolve));
    await file.datasync();
  });
  const release = () => {
    for (const go of held.splice(0)) go();
  };
  return { sync, release, syncs: () => syncs, holding: () => held.length };
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

test('ten commits that end while a sync runs are made durable by one more sync', async () => {
  const { sync, release, syncs, holding } = await heldSync('shared.db');
  try {
    const first = tracked(sync.end(sync.begin()));
    await turns(2);
    assert.equal(holding(), 1);
    const later = Array.from({ length: 10 }, () => tracked(sync.end(sync.begin())));
    await turns(5);
    assert.equal(syncs(), 1, 'no second sync starts while one runs');
    release();
    await first.promise;
    // The first sync started before they ended: it does not cover them.
    assert.ok(later.every((t) => !t.done()));
    await turns(2);
    assert.equal(holding(), 1);
    release();
    await Promise.all(later.map((t) => t.promise));
    assert.equal(syncs(), 2);
  } finally {
    release();
    await sync.close();
  }
});

test('a read waits for a transaction that began before it, until that one ends and is synced', async () => {
  const { sync, release, holding } = await heldSync('gap.db');
  try {
    const ticket = sync.begin();
    // A read in the moment between a COMMIT and its end: nothing to sync yet, so it waits.
    const read = tracked(sync.settled());
    await turns(5);
    assert.equal(holding(), 0);
    assert.equal(read.done(), false);
    const write = tracked(sync.end(ticket));
    await turns(2);
    release();
    await Promise.all([read.promise, write.promise]);
    // With nothing begun since, a read answers at once, without a sync.
    await sync.settled();
    assert.equal(holding(), 0);
  } finally {
    release();
    await sync.close();
  }
});

test('after a failed sync every wait is refused as FATAL, with the disk error as cause', async () => {
  const path = join(dir, 'eio.db');
  writeFileSync(`${path}-wal`, 'frames');
  const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
  const sync = await WalSync.open(path, async () => {
    throw failure;
  });
  try {
    const isFatal = (error: unknown) =>
      error instanceof StoreError && error.code === 'FATAL' && error.cause === failure;
    await assert.rejects(sync.end(sync.begin()), isFatal);
    await assert.rejects(sync.settled(), isFatal);
    await assert.rejects(sync.end(sync.begin()), isFatal);
  } finally {
    await sync.close();
  }
});
