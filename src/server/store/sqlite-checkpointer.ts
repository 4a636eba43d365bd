/**
 * Moves SQLite's WAL checkpoints off the event loop (docs/design.md §7). With the automatic
 * checkpoint, the commit that crosses its threshold copies thousands of pages into the
 * database file and fsyncs it before it returns, on the thread every request waits for: that
 * one commit sets the tail latency of ingest. Instead the store's connection never
 * checkpoints (`wal_autocheckpoint = 0`) and a worker thread runs a PASSIVE checkpoint every
 * second: it copies what no reader still needs while the store keeps committing, and once all
 * is copied the next commit starts the WAL again from its beginning.
 *
 * The worker needs a connection of its own, the one exception to the store's single
 * connection: a better-sqlite3 connection belongs to the thread that opened it, and the
 * checkpoint's I/O is what must leave the store's thread. The connection only checkpoints:
 * it never reads or writes rows, so the store's one transaction boundary is unchanged, and
 * the durability the store checks is untouched (a checkpoint is crash-safe by WAL's design;
 * this connection runs with synchronous=FULL, so it syncs the WAL before it copies and the
 * database file after). Should the worker fail, the store's connection goes back to
 * checkpointing itself, so the WAL never grows without bound.
 */
import { Worker } from 'node:worker_threads';
import type Sqlite from 'better-sqlite3';

/** Every this many milliseconds a PASSIVE checkpoint is asked for, unless one is running. */
const CHECKPOINT_EVERY_MS = 1000;

/** What the store's connection falls back to if the worker fails (pages of WAL). */
const FALLBACK_AUTOCHECKPOINT = 10_000;

// Runs in the worker: a CommonJS script (eval), handed the driver's URL and the file's path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.driver).then(({ default: Sqlite }) => {
  const db = new Sqlite(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  db.pragma('synchronous = FULL');
  parentPort.on('message', (message) => {
    if (message === 'close') {
      db.close();
      parentPort.close();
      return;
    }
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage({ done: true });
    } catch (error) {
      // Busy (another process checkpoints, or a writer's lock): try again on the next tick.
      parentPort.postMessage({ done: false, error: String(error && error.code) });
    }
  });
  parentPort.postMessage({ ready: true });
});
`;

export interface SqliteCheckpointer {
  /** Stops the timer and the worker, whose connection checkpoints as it closes. */
  close(): Promise<void>;
}

/** Starts checkpointing `path` off the event loop, and turns `database`'s own checkpoints off. */
export async function startSqliteCheckpointer(
  database: Sqlite.Database,
  path: string,
): Promise<SqliteCheckpointer> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: import.meta.resolve('better-sqlite3'), path },
  });
  let busy = false;
  let closed = false;
  const fallBack = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  worker.on('message', () => {
    busy = false;
  });
  database.pragma('wal_autocheckpoint = 0');
  const timer = setInterval(() => {
    if (busy || closed) return;
    busy = true;
    worker.postMessage('checkpoint');
  }, CHECKPOINT_EVERY_MS);
  timer.unref();
  worker.unref();
  return {
    async close() {
      if (closed) return;
      // The store's connection may be closed already: it is not asked to checkpoint again.
      closed = true;
      clearInterval(timer);
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref(); // held until its connection has closed
      worker.postMessage('close');
      await exited;
    },
  };
}
