/**
 * Appends audit events to the Merkle log inside the caller's transaction (docs/design.md §8): each
 * event row gets the next leaf index, and every full-subtree node the new leaves complete
 * is written to `merkle_nodes` in the same transaction, so an act, its event and its tree
 * nodes commit together or not at all. Appends stay O(log n): the compact range of the
 * committed tree is held in memory and only the new nodes are hashed.
 *
 * Who appends next is decided by the database, not by this process: PostgreSQL takes a
 * transaction-scoped advisory lock (app processes over one database queue there); SQLite
 * has one writer at a time. Under the lock the committed size is read back; if it is not
 * the size of the range held in memory (another process appended, or a commit of ours has
 * not been installed yet), the range is reloaded from its ≤ 53 stored nodes in one query.
 * A range computed in a transaction is installed only after that transaction committed, so
 * a rollback never leaves a wrong range behind.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import {
  appendLeafHashes,
  type CompactRange,
  compactRange,
  compactRangeIds,
  emptyCompactRange,
} from '../../core/log/merkle/compact-range.ts';
import { leafHash } from '../../core/log/merkle/merkle-hash.ts';
import { auditOrgs } from '../audit-event.ts';
import type { Dialect } from './migrations.ts';
import type { Database } from './schema.ts';
import { SqlHashReader } from './sql-hash-reader.ts';
import type { AuditRecord } from './store.ts';

/** pg_advisory_xact_lock key of the log's append lock ("valise log"). */
const APPEND_LOCK = 0x76616c6c;
/** Rows per INSERT: 6 event columns and 3 node columns stay under SQLite's 32,766 parameters. */
const EVENT_ROWS = 1000;
const NODE_ROWS = 2000;

/** better-sqlite3 binds Buffers only; pg accepts them too. A view, not a copy. */
function blob(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export interface Appended {
  /** The leaf index of each record, in order. */
  readonly leaves: readonly number[];
  /** The tree after the append: install it with `committed` once the transaction commits. */
  readonly range: CompactRange;
}

export class MerkleAppender {
  readonly #dialect: Dialect;
  #committed: CompactRange | undefined;

  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }

  /** The committed tree size, read from the database. */
  static async size(db: Kysely<Database>): Promise<number> {
    const row = await db
      .selectFrom('audit_events')
      .select(sql<number | null>`max(leaf_index)`.as('last'))
      .executeTakeFirst();
    return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
  }

  async append(trx: Transaction<Database>, records: readonly AuditRecord[]): Promise<Appended> {
    if (this.#dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`.execute(trx);
    const size = await MerkleAppender.size(trx);
    const range = this.#committed?.size === size ? this.#committed : await loadRange(trx, size);
    const { range: next, nodes } = appendLeafHashes(
      range,
      records.map((r) => leafHash(r.event)),
    );
    for (let i = 0; i < records.length; i += EVENT_ROWS) {
      await trx
        .insertInto('audit_events')
        .values(
          records.slice(i, i + EVENT_ROWS).map((r, j) => {
            const { actorOrg, objectOrg } = auditOrgs(r.event);
            return {
              at: r.at,
              type: r.type,
              event: blob(r.event),
              leaf_index: size + i + j,
              actor_org: actorOrg,
              object_org: objectOrg,
            };
          }),
        )
        .execute();
    }
    for (let i = 0; i < nodes.length; i += NODE_ROWS) {
      await trx
        .insertInto('merkle_nodes')
        .values(
          nodes.slice(i, i + NODE_ROWS).map((n) => ({ level: n.level, idx: n.index, hash: blob(n.hash) })),
        )
        .execute();
    }
    return { leaves: records.map((_, i) => size + i), range: next };
  }

  /** Installs a range whose transaction committed (a later commit's range wins). */
  committed(range: CompactRange): void {
    if (this.#committed === undefined || range.size > this.#committed.size) this.#committed = range;
  }
}

/** The compact range of the first `size` leaves, from its stored nodes. */
export async function loadRange(db: Kysely<Database>, size: number): Promise<CompactRange> {
  if (size === 0) return emptyCompactRange();
  const hashes = await new SqlHashReader(db).readNodes(compactRangeIds(size));
  return compactRange(size, hashes);
}
