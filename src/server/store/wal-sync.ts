/**
 * Makes SQLite's commits durable off the event loop (docs/design.md §7).
 *
 * With `synchronous = FULL` every COMMIT fsyncs the WAL on the one thread every request waits
 * for, and on ext4 that fsync also waits for whatever the checkpoint worker has written: the
 * event loop stood still for milliseconds per cable. Instead the store's connection commits
 * with `synchronous = NORMAL` (the frames reach the OS, not the disk) and this syncs the WAL
 * file with `fdatasync` on libuv's thread pool; one sync covers every commit made before it
 * started, so commits that finish while a sync runs share the next one (group commit at the
 * file). The guarantees stay those of FULL:
 *
 *  - a write is answered only after a sync that started after its COMMIT has finished, so
 *    nothing is acknowledged before its frames are on disk;
 *  - a read is answered only once every commit it could have seen is on disk, so no answer
 *    (an inbox page, a proof, a stream) ever shows what a power cut could still take back;
 *    commits are counted on the connection itself, at the statement that ends a transaction,
 *    so none can slip between a COMMIT and the read that follows it;
 *  - a failed sync stops the store (fail-stop, as fatal-write-error.ts explains): the OS may
 *    have dropped the pages, so a later sync that "succeeds" proves nothing.
 *
 * Why syncing the WAL file is enough: a commit is its frames in the WAL, the last one marked
 * as a commit; after a crash SQLite replays the WAL's valid frames up to the last commit
 * mark. Frames reach the database file only by a checkpoint, which syncs the WAL before it
 * copies and the database file after (SQLite's WAL mode with NORMAL), and the WAL starts
 * again from its beginning only after everything in it is in the synced database file.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { CommitSync } from './store-context.ts';
import { StoreError } from './store-error.ts';

/** Flushes a file's data to disk; `FileHandle.datasync` unless a test injects another. */
export type Datasync = (file: FileHandle) => Promise<void>;

interface Waiter {
  readonly commit: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class WalSync implements CommitSync {
  readonly #file: FileHandle;
  readonly #datasync: Datasync;
  /** Commits made on the connection so far. */
  #committed = 0;
  /** Every commit up to this one is on disk. */
  #synced = 0;
  #waiters: Waiter[] = [];
  #syncing = false;
  #closed = false;
  #failed: unknown;

  private constructor(file: FileHandle, datasync: Datasync) {
    this.#file = file;
    this.#datasync = datasync;
  }

  /**
   * Opens the WAL of the database at `path` (the store's connection holds it open, in WAL
   * mode, and has written to it) and makes its directory entry durable once.
   */
  static async open(path: string, datasync: Datasync = (file) => file.datasync()): Promise<WalSync> {
    const directory = await open(dirname(path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    return new WalSync(await open(`${path}-wal`, 'r'), datasync);
  }

  /**
   * `database` (the connection as Kysely sees it) telling this sync of every commit, read
   * from the connection's own state around each statement: a statement that leaves a
   * transaction (COMMIT, END, the outer RELEASE, which SQLite reports read-only, or a
   * ROLLBACK, counted needlessly at the cost of one sync at most), or one that may write and
   * runs outside any (a write in autocommit, `INSERT … RETURNING` included). The statements'
   * wrappers are made once, beside the statement cache under them.
   */
  counting(database: SqliteDatabase, connection: Sqlite.Database): SqliteDatabase {
    const wrappers = new WeakMap<SqliteStatement, SqliteStatement>();
    // After a statement ran: did it commit? `inside`: a transaction was open before it.
    const after = (inside: boolean, writes: boolean) => {
      if (!connection.inTransaction && (inside || writes)) this.#committed += 1;
    };
    const counting = (statement: SqliteStatement): SqliteStatement => {
      const writes = (statement as { readonly readonly?: boolean }).readonly !== true;
      const around = <T>(run: () => T): T => {
        const inside = connection.inTransaction;
        const result = run();
        after(inside, writes);
        return result;
      };
      return {
        reader: statement.reader,
        all: (parameters) => around(() => statement.all(parameters)),
        run: (parameters) => around(() => statement.run(parameters)),
        // A streamed statement has run when it is done.
        *iterate(parameters) {
          const inside = connection.inTransaction;
          yield* statement.iterate(parameters);
          after(inside, writes);
        },
      };
    };
    return {
      close: () => database.close(),
      prepare: (sql: string): SqliteStatement => {
        const statement = database.prepare(sql);
        let wrapper = wrappers.get(statement);
        if (wrapper === undefined) {
          wrapper = counting(statement);
          wrappers.set(statement, wrapper);
        }
        return wrapper;
      },
    };
  }

  /** Resolves once every commit made so far is on disk. */
  settled(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#failed !== undefined) return Promise.reject(this.#fatal());
    const commit = this.#committed;
    if (commit <= this.#synced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ commit, resolve, reject });
      if (!this.#syncing) void this.#run();
    });
  }

  /**
   * Syncs what is still unsynced (the store's connection is closed first, so nothing new
   * commits), then closes the file; a sync asked for afterwards is refused as closed, not
   * taken for a disk failure.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.settled();
    } catch {
      // A failed sync has already stopped the store; closing goes on.
    }
    this.#closed = true;
    await this.#file.close();
  }

  async #run(): Promise<void> {
    this.#syncing = true;
    try {
      // One sync covers every commit made before it started; commits made while it runs
      // wait for the next round, together.
      while (this.#waiters.length > 0) {
        const covered = this.#committed;
        try {
          await this.#datasync(this.#file);
        } catch (error) {
          this.#failed = error;
          const waiters = this.#waiters;
          this.#waiters = [];
          for (const w of waiters) w.reject(this.#fatal());
          return;
        }
        this.#synced = Math.max(this.#synced, covered);
        const waiting: Waiter[] = [];
        for (const w of this.#waiters) {
          if (w.commit <= this.#synced) w.resolve();
          else waiting.push(w);
        }
        this.#waiters = waiting;
      }
    } finally {
      this.#syncing = false;
    }
  }

  #fatal(): StoreError {
    return new StoreError('FATAL', 'the database could not make a write durable; the server stops', {
      cause: this.#failed,
    });
  }
}

function closedError(): StoreError {
  return new StoreError('UNAVAILABLE', 'the store is closed; nothing more is read or written');
}
