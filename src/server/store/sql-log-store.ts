/**
 * LogStore over Kysely, for SQLite and PostgreSQL alike. Reads go straight to the database;
 * the two writes (checkpoints, cosignatures) run through the SqlStore's transaction wrapper
 * so a disk error stops the server as every other write does (docs/design.md §7).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { NodeId } from '../../core/log/merkle/node-id.ts';
import type {
  DirectoryLeaf,
  LogEventQuery,
  LogLeaf,
  LogStore,
  StoredCheckpoint,
  StoredCosignature,
} from './log-store.ts';
import { MerkleAppender } from './merkle-appender.ts';
import type { Dialect } from './migrations.ts';
import type { Database } from './schema.ts';
import { SqlHashReader } from './sql-hash-reader.ts';
import { blob, bytesOf } from './sql-values.ts';
import { StoreError } from './store-error.ts';

type Write = <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;
type Read = <T>(work: () => Promise<T>) => Promise<T>;

export interface SqlLogStoreOptions {
  /** PostgreSQL: several app processes may share the database, so `exclusively` takes a lock. */
  readonly dialect: Dialect;
  readonly read: Read;
  readonly write: Write;
  /** True when the error is a unique-key violation (someone wrote that row first). */
  readonly isDuplicate: (error: unknown) => boolean;
  /**
   * SQLite only: the connection under Kysely, for the hot reads (proof nodes, audit pages)
   * through cached prepared statements. Tree nodes and leaves never change once written,
   * so reading them on the connection while a write transaction is open sees the same bytes.
   */
  readonly sqlite?: SqliteConnection;
}

/** What this store uses of a better-sqlite3 connection. */
export interface SqliteConnection {
  prepare(source: string): SqliteStatement;
  /** True while a transaction is open on the connection. */
  readonly inTransaction: boolean;
}
export interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
  raw(toggle?: boolean): SqliteStatement;
}

/** pg_advisory_lock key of the checkpoint writer ("vckp"), beside the log's append lock. */
const CHECKPOINT_LOCK = 0x76636b70;
interface LeafRow {
  leaf_index: number | null;
  seq: number;
  at: number;
  type: string;
  event: Uint8Array;
  actor_org: string | null;
  object_org: string | null;
}

function leafOf(row: LeafRow): LogLeaf {
  return {
    index: Number(row.leaf_index),
    seq: Number(row.seq),
    at: Number(row.at),
    type: row.type,
    event: bytesOf(row.event),
    actorOrg: row.actor_org,
    objectOrg: row.object_org,
  };
}

function checkpointOf(row: {
  size: number;
  root: Uint8Array;
  note: string;
  signed_at: number;
}): StoredCheckpoint {
  return { size: Number(row.size), root: bytesOf(row.root), note: row.note, signedAt: Number(row.signed_at) };
}

export class SqlLogStore implements LogStore {
  readonly #db: Kysely<Database>;
  readonly #reader: SqlHashReader;
  readonly #options: SqlLogStoreOptions;
  /** Prepared statements by text (SQLite): a proof's shape recurs, so its query does too. */
  readonly #statements = new Map<string, SqliteStatement>();

  constructor(db: Kysely<Database>, options: SqlLogStoreOptions) {
    this.#db = db;
    this.#reader = new SqlHashReader(db);
    this.#options = options;
  }

  readNodes(ids: readonly NodeId[]): Promise<readonly Uint8Array[]> {
    const sqlite = this.#options.sqlite;
    if (sqlite === undefined || ids.length === 0 || ids.length > 200) {
      return this.#options.read(() => this.#reader.readNodes(ids));
    }
    return this.#options.read(async () => {
      const text = `SELECT level, idx, hash FROM merkle_nodes WHERE (level, idx) IN (VALUES ${'(?, ?), '.repeat(ids.length - 1)}(?, ?))`;
      const params: number[] = [];
      for (const id of ids) params.push(id.level, id.index);
      const rows = this.#statement(sqlite, text).all(...params) as [number, number, Uint8Array][];
      const found = new Map<number, Uint8Array>();
      for (const [level, idx, hash] of rows) found.set(idx * 64 + level, hash);
      return ids.map((id) => {
        const hash = found.get(id.index * 64 + id.level);
        if (!hash)
          throw new StoreError(
            'CORRUPT',
            `the log's tree node (${id.level}, ${id.index}) is missing from the store`,
          );
        return bytesOf(hash);
      });
    });
  }

  auditPage(
    from: number,
    to: number,
  ): Promise<{ index: number; event: Uint8Array; hash: Uint8Array | undefined }[]> {
    return this.#options.read(async () => {
      const sqlite = this.#options.sqlite;
      if (sqlite !== undefined) {
        const rows = this.#statement(
          sqlite,
          'SELECT e.leaf_index, e.event, n.hash FROM audit_events e LEFT JOIN merkle_nodes n ON n.level = 0 AND n.idx = e.leaf_index WHERE e.leaf_index >= ? AND e.leaf_index < ? ORDER BY e.leaf_index',
        ).all(from, to) as [number, Uint8Array, Uint8Array | null][];
        return rows.map(([index, event, hash]) => ({ index, event, hash: hash ?? undefined }));
      }
      const rows = await this.#db
        .selectFrom('audit_events as e')
        .leftJoin('merkle_nodes as n', (join) =>
          join.on('n.level', '=', 0).onRef('n.idx', '=', 'e.leaf_index'),
        )
        .select(['e.leaf_index', 'e.event', 'n.hash'])
        .where('e.leaf_index', '>=', from)
        .where('e.leaf_index', '<', to)
        .orderBy('e.leaf_index')
        .execute();
      return rows.map((r) => ({
        index: Number(r.leaf_index),
        event: bytesOf(r.event),
        hash: r.hash === null ? undefined : bytesOf(r.hash),
      }));
    });
  }

  #statement(sqlite: SqliteConnection, text: string): SqliteStatement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = sqlite.prepare(text).raw(true);
      if (this.#statements.size > 256) this.#statements.clear();
      this.#statements.set(text, statement);
    }
    return statement;
  }

  size(): Promise<number> {
    return this.#options.read(() => MerkleAppender.size(this.#db));
  }

  leaves(from: number, to: number): Promise<LogLeaf[]> {
    return this.#options.read(async () => {
      const rows = await this.#db
        .selectFrom('audit_events')
        .select(['leaf_index', 'seq', 'at', 'type', 'event', 'actor_org', 'object_org'])
        .where('leaf_index', '>=', from)
        .where('leaf_index', '<', to)
        .orderBy('leaf_index')
        .execute();
      return rows.map(leafOf);
    });
  }

  nodes(level: number, from: number, to: number): Promise<{ index: number; hash: Uint8Array }[]> {
    return this.#options.read(async () => {
      const sqlite = this.#options.sqlite;
      if (sqlite !== undefined) {
        const rows = this.#statement(
          sqlite,
          'SELECT idx, hash FROM merkle_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx',
        ).all(level, from, to) as [number, Uint8Array][];
        return rows.map(([index, hash]) => ({ index, hash }));
      }
      const rows = await this.#db
        .selectFrom('merkle_nodes')
        .select(['idx', 'hash'])
        .where('level', '=', level)
        .where('idx', '>=', from)
        .where('idx', '<', to)
        .orderBy('idx')
        .execute();
      return rows.map((r) => ({ index: Number(r.idx), hash: bytesOf(r.hash) }));
    });
  }

  events(query: LogEventQuery): Promise<LogLeaf[]> {
    return this.#options.read(async () => {
      let q = this.#db
        .selectFrom('audit_events')
        .select(['leaf_index', 'seq', 'at', 'type', 'event', 'actor_org', 'object_org'])
        .where('leaf_index', '>', query.after)
        .where('leaf_index', '<', query.below);
      const { org, alsoTypes = [] } = query;
      if (org !== undefined) {
        q = q.where((eb) =>
          eb.or([
            eb('actor_org', '=', org),
            eb('object_org', '=', org),
            ...(alsoTypes.length > 0 ? [eb('type', 'in', [...alsoTypes])] : []),
          ]),
        );
      }
      if (query.type !== undefined) q = q.where('type', '=', query.type);
      const rows = await q.orderBy('leaf_index').limit(query.limit).execute();
      return rows.map(leafOf);
    });
  }

  directoryLeaves(from: number, below: number): Promise<DirectoryLeaf[]> {
    return this.#options.read(async () => {
      const rows = await this.#db
        .selectFrom('directory_entries as d')
        .innerJoin('audit_events as e', 'e.leaf_index', 'd.leaf_index')
        .select(['d.idx', 'd.leaf_index', 'e.event'])
        .where('d.idx', '>=', from)
        .where('d.leaf_index', '<', below)
        .orderBy('d.idx')
        .execute();
      return rows.map((r) => ({ index: Number(r.idx), leaf: Number(r.leaf_index), event: bytesOf(r.event) }));
    });
  }

  directoryCount(below: number): Promise<number> {
    return this.#options.read(async () => {
      const row = await this.#db
        .selectFrom('directory_entries')
        .select(sql<number>`count(*)`.as('n'))
        .where('leaf_index', '<', below)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  unsequenced(): Promise<number> {
    return this.#options.read(async () => {
      const row = await this.#db
        .selectFrom('audit_events')
        .select(sql<number>`count(*)`.as('n'))
        .where('leaf_index', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return this.#options.read(async () => {
      const row = await this.#db
        .selectFrom('checkpoints')
        .selectAll()
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? checkpointOf(row) : undefined;
    });
  }

  checkpoint(size: number): Promise<StoredCheckpoint | undefined> {
    return this.#options.read(async () => {
      const row = await this.#db
        .selectFrom('checkpoints')
        .selectAll()
        .where('size', '=', size)
        .executeTakeFirst();
      return row ? checkpointOf(row) : undefined;
    });
  }

  checkpoints(after: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.#options.read(async () => {
      const rows = await this.#db
        .selectFrom('checkpoints')
        .selectAll()
        .where('size', '>', after)
        .orderBy('size')
        .limit(limit)
        .execute();
      return rows.map(checkpointOf);
    });
  }

  async addCheckpoint(checkpoint: StoredCheckpoint): Promise<boolean> {
    return this.#insert((trx) =>
      trx
        .insertInto('checkpoints')
        .values({
          size: checkpoint.size,
          root: blob(checkpoint.root),
          note: checkpoint.note,
          signed_at: checkpoint.signedAt,
        })
        .execute(),
    );
  }

  exclusively<T>(work: () => Promise<T>): Promise<T> {
    // SQLite has one app process. PostgreSQL: a session lock on one pooled connection, freed
    // on every path (by PostgreSQL if this process dies); `work` uses the other connections,
    // and its own failure leaves as thrown (only the lock's is a store failure).
    if (this.#options.dialect !== 'postgres') return work();
    let failed: { readonly error: unknown } | undefined;
    const done = this.#options.read(() =>
      this.#db.connection().execute(async (connection) => {
        await sql`SELECT pg_advisory_lock(${CHECKPOINT_LOCK})`.execute(connection);
        try {
          return await work();
        } catch (error) {
          failed = { error };
          return undefined;
        } finally {
          await sql`SELECT pg_advisory_unlock(${CHECKPOINT_LOCK})`.execute(connection);
        }
      }),
    );
    return done.then((result) => {
      if (failed) throw failed.error;
      return result as T;
    });
  }

  latestCosigned(quorum: number): Promise<StoredCheckpoint | undefined> {
    return this.#options.read(async () => {
      const row = await this.#db
        .selectFrom('cosignatures')
        .select('size')
        .groupBy('size')
        .having(sql<number>`count(distinct org)`, '>=', Math.max(1, quorum))
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const checkpoint = await this.#db
        .selectFrom('checkpoints')
        .selectAll()
        .where('size', '=', Number(row.size))
        .executeTakeFirst();
      return checkpoint ? checkpointOf(checkpoint) : undefined;
    });
  }

  cosignatures(sizes: readonly number[]): Promise<StoredCosignature[]> {
    return this.#options.read(async () => {
      if (sizes.length === 0) return [];
      const rows = await this.#db
        .selectFrom('cosignatures')
        .selectAll()
        .where('size', 'in', [...sizes])
        .orderBy('size')
        .orderBy('witness')
        .execute();
      return rows.map((r) => ({
        size: Number(r.size),
        witness: r.witness,
        org: r.org,
        line: r.line,
        cosignedAt: Number(r.cosigned_at),
      }));
    });
  }

  addCosignature(cosignature: StoredCosignature): Promise<boolean> {
    return this.#insert((trx) =>
      trx
        .insertInto('cosignatures')
        .values({
          size: cosignature.size,
          witness: cosignature.witness,
          org: cosignature.org,
          line: cosignature.line,
          cosigned_at: cosignature.cosignedAt,
        })
        .execute(),
    );
  }

  async #insert(work: (trx: Transaction<Database>) => Promise<unknown>): Promise<boolean> {
    try {
      await this.#options.write(work);
      return true;
    } catch (error) {
      if (this.#options.isDuplicate(error)) return false;
      throw error;
    }
  }
}
