/**
 * The one context every aggregate of the store shares (docs/design.md §7): the Kysely handle, the
 * write and read helpers, and the audit append inside a transaction. There is one handle
 * per store and so one transaction boundary: an act and its audit leaf are written by the
 * same `write`, and commit together or not at all.
 *
 * A write that fails because the disk could not take it calls `onFatal` once, and every
 * later write is refused, so nothing is ever acknowledged after a lost fsync. Every other
 * driver failure is `UNAVAILABLE`, with the driver's error as its cause.
 *
 * A SQLite store commits without waiting for the disk and syncs its WAL off the event loop
 * (wal-sync.ts): `write` answers only once its commit is on disk, and `read` only once every
 * commit it could have seen is, so what the store says is never more than what it keeps.
 *
 * Every audit event is a leaf of the Merkle log (docs/design.md §8), appended with its tree nodes
 * in the transaction of the act it records (merkle-appender.ts). Events that are acts of
 * their own (a refusal, a fetch) are group-committed: concurrent ones share one durable
 * transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import type { CompactRange } from '../../core/log/merkle/compact-range.ts';
import { isFatalWriteError, isUniqueViolation } from './fatal-write-error.ts';
import { GroupCommit } from './group-commit.ts';
import { MerkleAppender } from './merkle-appender.ts';
import type { Dialect } from './migrations.ts';
import type { Database } from './schema.ts';
import type { AuditRecord } from './store.ts';
import { StoreError } from './store-error.ts';

export type Trx = Transaction<Database>;

/** Most events one group commit writes. */
const AUDIT_BATCH = 5000;

export interface StoreContextOptions {
  readonly dialect: Dialect;
  /** Called once when a write hits a disk error; main.ts exits the process (docs/design.md §7). */
  readonly onFatal: (error: unknown) => void;
  /** A read-only store (an operator's audit): every write is refused before it starts. */
  readonly readOnly?: boolean;
  /** Makes commits durable after they return (SQLite, wal-sync.ts); none where COMMIT does it. */
  readonly sync?: CommitSync;
}

/** Durability that comes after COMMIT returns (wal-sync.ts). */
export interface CommitSync {
  /**
   * Resolves once every commit made so far is on disk; rejects with a StoreError: `FATAL`
   * when the disk could not take it, `UNAVAILABLE` once the store is closed.
   */
  settled(): Promise<void>;
}

export class StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly readOnly: boolean;
  readonly #onFatal: (error: unknown) => void;
  readonly #sync: CommitSync | undefined;
  readonly #appender: MerkleAppender;
  readonly #events: GroupCommit<AuditRecord, number>;
  /** The tree each open transaction appended to, installed once it commits. */
  readonly #appended = new WeakMap<Trx, CompactRange>();
  #failed: unknown;

  constructor(db: Kysely<Database>, options: StoreContextOptions) {
    this.db = db;
    this.dialect = options.dialect;
    this.readOnly = options.readOnly ?? false;
    this.#onFatal = options.onFatal;
    this.#sync = options.sync;
    this.#appender = new MerkleAppender(options.dialect);
    this.#events = new GroupCommit((batch) => this.write((trx) => this.auditAll(trx, batch)), AUDIT_BATCH);
  }

  /** Runs `work` in one transaction; maps driver errors to StoreError (see module header). */
  async write<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    if (this.readOnly)
      throw new StoreError('READ_ONLY', 'this store was opened read-only; nothing is written');
    if (this.#failed !== undefined) {
      throw new StoreError('FATAL', 'the store stopped after a disk error; restart the server', {
        cause: this.#failed,
      });
    }
    let opened: Trx | undefined;
    let result: T;
    try {
      result = await this.db.transaction().execute((trx) => {
        opened = trx;
        return work(trx);
      });
    } catch (error) {
      throw this.#classify(error);
    }
    // Committed: the tree this transaction grew is now the log's.
    const range = opened && this.#appended.get(opened);
    if (range) this.#appender.committed(range);
    if (this.#sync !== undefined) await this.#durable(this.#sync.settled());
    return result;
  }

  /** Runs a read; maps driver errors as `write` does; answers once what it saw is durable. */
  async read<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work(this.db);
    } catch (error) {
      throw this.#classify(error);
    }
    if (this.#sync !== undefined) await this.#durable(this.#sync.settled());
    return result;
  }

  /** Waits for a commit sync; a failed one stops the store as a failed COMMIT would. */
  async #durable(synced: Promise<void> | undefined): Promise<void> {
    try {
      await synced;
    } catch (error) {
      // A closed store is no disk failure.
      if (error instanceof StoreError && error.code !== 'FATAL') throw error;
      const cause = error instanceof StoreError ? error.cause : error;
      if (this.#failed === undefined) {
        this.#failed = cause;
        this.#onFatal(cause);
      }
      throw new StoreError('FATAL', 'the database could not make a write durable; the server stops', {
        cause,
      });
    }
  }

  /** Appends the event as the log's next leaf, in `trx`; returns its leaf index. */
  async audit(trx: Trx, audit: AuditRecord): Promise<number> {
    const [leaf] = await this.auditAll(trx, [audit]);
    if (leaf === undefined) throw new StoreError('UNAVAILABLE', 'the log appended no leaf');
    return leaf;
  }

  /** Appends the events as the log's next leaves, in order, in `trx` (once per transaction). */
  async auditAll(trx: Trx, audits: readonly AuditRecord[]): Promise<readonly number[]> {
    if (this.#appended.has(trx)) throw new StoreError('UNAVAILABLE', 'one log append per transaction');
    const { leaves, range } = await this.#appender.append(trx, audits);
    this.#appended.set(trx, range);
    return leaves;
  }

  /** Appends an event that is an act of its own, group-committed; resolves once durable. */
  appendAudit(audit: AuditRecord): Promise<number> {
    return this.#events.submit(audit);
  }

  /** True when `error` (from `write`) is a lost race on a unique key: someone wrote first. */
  isDuplicate(error: unknown): boolean {
    return error instanceof StoreError && error.code === 'UNAVAILABLE' && isUniqueViolation(error.cause);
  }

  #classify(error: unknown): unknown {
    if (error instanceof StoreError) return error;
    if (isFatalWriteError(error)) {
      if (this.#failed === undefined) {
        this.#failed = error;
        this.#onFatal(error);
      }
      return new StoreError('FATAL', 'the database could not make a write durable; the server stops', {
        cause: error,
      });
    }
    return new StoreError('UNAVAILABLE', 'the database failed; try again', { cause: error });
  }
}
