/**
 * The inbox aggregate: a device's cables, newest first, each with whether the device's
 * organisation acknowledged it and how many organisations did. One range scan of wraps (device, cable_seq), joined to
 * cables by key, so a page costs the same however large the archive. And the sealed
 * summaries of listed cables (format 4), served only once the listing is on record.
 */
import { sql } from 'kysely';
import { CABLE_COLUMNS, cableOf } from './cable-row.ts';
import { bytesOf } from './sql-values.ts';
import type { InboxQuery, InboxRow, ListedSummary, RecordListing } from './store.ts';
import type { StoreContext } from './store-context.ts';

export class SqlInbox {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  page(query: InboxQuery): Promise<InboxRow[]> {
    return this.#ctx.read(async (db) => {
      let q = db
        .selectFrom('wraps as w')
        .innerJoin('cables as c', 'c.seq', 'w.cable_seq')
        .select(CABLE_COLUMNS)
        .select(
          sql<boolean>`exists (select 1 from acks a where a.cable_seq = c.seq and a.org = ${query.org})`.as(
            'acknowledged',
          ),
        )
        .select(sql<number>`(select count(*) from acks a where a.cable_seq = c.seq)`.as('acknowledgements'))
        .where('w.device', '=', query.device);
      if (query.before !== undefined) q = q.where('w.cable_seq', '<', query.before);
      if (query.after !== undefined) q = q.where('w.cable_seq', '>', query.after);
      if (query.precedence !== undefined) q = q.where('c.precedence', '=', query.precedence);
      if (query.classification !== undefined) q = q.where('c.classification', '=', query.classification);
      if (query.since !== undefined) q = q.where('c.accepted_at', '>=', query.since);
      if (query.unacknowledged === true) {
        q = q.where(
          sql<boolean>`not exists (select 1 from acks a where a.cable_seq = c.seq and a.org = ${query.org})`,
        );
      }
      const rows = await q.orderBy('w.cable_seq', 'desc').limit(query.limit).execute();
      return rows.map((row) => ({
        cable: cableOf(row),
        acknowledged: Boolean(row.acknowledged),
        acknowledgements: Number(row.acknowledgements),
      }));
    });
  }

  async summaries(device: string, ids: readonly string[], record: RecordListing): Promise<ListedSummary[]> {
    if (ids.length === 0) return [];
    // Cables, wraps and summaries are never changed once stored: read outside the write.
    const rows = await this.#ctx.read((db) =>
      db
        .selectFrom('cables as c')
        .innerJoin('wraps as w', (join) =>
          join.onRef('w.cable_seq', '=', 'c.seq').on('w.device', '=', device),
        )
        .select(['c.seq', 'c.id', 'c.org', 'c.summary', 'w.enc', 'w.wrapped_key'])
        .where('c.id', 'in', [...ids])
        .where('c.summary', 'is not', null)
        .execute(),
    );
    const byId = new Map(
      rows.map((row) => [
        row.id,
        {
          seq: Number(row.seq),
          id: row.id,
          org: row.org,
          summary: bytesOf(row.summary as Uint8Array),
          wrap: { device, enc: bytesOf(row.enc), key: bytesOf(row.wrapped_key) },
        },
      ]),
    );
    const listed = ids.flatMap((id) => byId.get(id) ?? []);
    if (listed.length === 0) return [];
    // docs/design.md §8: listing subjects is reading them; on record before a byte leaves.
    await record(listed);
    return listed;
  }
}
