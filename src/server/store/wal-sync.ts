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
import type { CommitSync } from './store-context.ts';
import { StoreError } from './store-error.ts';

/** Flushes a file's data to disk; `FileHandle.datasync` unless a test injects another. */
export type Datasync = (file: FileHandle) => Promise<void>;

interface Waiter {
  readonly ticket: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class WalSync implements CommitSync {
  readonly #file: FileHandle;
  readonly #datasync: Datasync;
  /** Tickets handed out: transactions begun. */
  #begun = 0;
  /** Transactions ended (committed or not); they end in ticket order on one connection. */
  #ended = 0;
  /** Every ticket up to this one is on disk. */
  #synced = 0;
  #waiters: Waiter[] = [];
  #syncing = false;
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

  begin(): number {
    this.#begun += 1;
    return this.#begun;
  }

  /** The transaction `ticket` has ended; resolves once it is on disk. */
  end(ticket: number): Promise<void> {
    this.#ended = Math.max(this.#ended, ticket);
    return this.#wait(ticket);
  }

  /** Resolves once every transaction begun before this call is on disk. */
  settled(): Promise<void> {
    return this.#wait(this.#begun);
  }

  async close(): Promise<void> {
    await this.#file.close();
  }

  #wait(ticket: number): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#fatal());
    if (ticket <= this.#synced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ ticket, resolve, reject });
      if (!this.#syncing) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#syncing = true;
    try {
      // One sync covers every transaction that had ended when it started. A waiter for a
      // ticket still open (a read in the moment between COMMIT and its `end`) waits for the
      // `end` that starts the next round.
      while (this.#waiters.some((w) => w.ticket <= this.#ended)) {
        const covered = this.#ended;
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
          if (w.ticket <= this.#synced) w.resolve();
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
