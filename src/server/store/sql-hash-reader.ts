/**
 * core/log/merkle's HashReader over the `merkle_nodes` table: the O(log n) nodes of a proof or
 * a root in one query, `(level, idx) IN (…)`, in the order asked. Stored nodes never change
 * once written (the table is append-only), so any connection reads them consistently.
 */
import { type Kysely, sql } from 'kysely';
import type { HashReader } from '../../core/log/merkle/hash-reader.ts';
import type { NodeId } from '../../core/log/merkle/node-id.ts';
import type { Database } from './schema.ts';
import { StoreError } from './store-error.ts';

/** Node ids per query: well under both dialects' bound-parameter limits. */
const CHUNK = 500;

export class SqlHashReader implements HashReader {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async readNodes(ids: readonly NodeId[]): Promise<readonly Uint8Array[]> {
    const found = new Map<string, Uint8Array>();
    for (let at = 0; at < ids.length; at += CHUNK) {
      const chunk = ids.slice(at, at + CHUNK);
      const pairs = sql.join(chunk.map((id) => sql`(${id.level}, ${id.index})`));
      const rows = await sql<{ level: number; idx: number; hash: Uint8Array }>`
        SELECT level, idx, hash FROM merkle_nodes WHERE (level, idx) IN (${pairs})`.execute(this.#db);
      for (const row of rows.rows) {
        const hash = row.hash;
        found.set(
          `${Number(row.level)}/${Number(row.idx)}`,
          new Uint8Array(hash.buffer, hash.byteOffset, hash.byteLength),
        );
      }
    }
    return ids.map((id) => {
      const hash = found.get(`${id.level}/${id.index}`);
      if (!hash) {
        throw new StoreError(
          'CORRUPT',
          `the log's tree node (${id.level}, ${id.index}) is missing from the store`,
        );
      }
      return hash;
    });
  }
}
