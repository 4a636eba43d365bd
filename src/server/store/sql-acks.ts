/**
 * The acknowledgements aggregate: one per organisation and cable. The first stands; a
 * second asks gets the first back, and only the first is an audit event, whose leaf is kept
 * with it (the sender's delivery board proves it).
 */
import type { AckRecord, AuditRecord } from './store.ts';
import type { StoreContext } from './store-context.ts';

export class SqlAcks {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  async acknowledge(
    seq: number,
    ack: AckRecord,
    audit: AuditRecord,
  ): Promise<{ created: boolean; ack: AckRecord }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#ctx.write(async (trx) => {
          const existing = await trx
            .selectFrom('acks')
            .select(['org', 'user_id', 'device', 'at', 'leaf_index'])
            .where('cable_seq', '=', seq)
            .where('org', '=', ack.org)
            .executeTakeFirst();
          if (existing) return { created: false, ack: ackOf(existing) };
          const leaf = await this.#ctx.audit(trx, audit);
          await trx
            .insertInto('acks')
            .values({
              cable_seq: seq,
              org: ack.org,
              user_id: ack.user,
              device: ack.device,
              at: ack.at,
              leaf_index: leaf,
            })
            .execute();
          return { created: true, ack: { ...ack, leaf } };
        });
      } catch (error) {
        // Another app process acknowledged between our read and insert: read theirs.
        if (!(attempt < 2 && this.#ctx.isDuplicate(error))) throw error;
      }
    }
  }

  acks(seq: number): Promise<AckRecord[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('acks')
        .select(['org', 'user_id', 'device', 'at', 'leaf_index'])
        .where('cable_seq', '=', seq)
        .orderBy('org')
        .execute();
      return rows.map(ackOf);
    });
  }
}

function ackOf(row: {
  org: string;
  user_id: string;
  device: string;
  at: number;
  leaf_index?: number | null;
}): AckRecord {
  const ack = { org: row.org, user: row.user_id, device: row.device, at: Number(row.at) };
  return row.leaf_index === undefined || row.leaf_index === null
    ? ack
    : { ...ack, leaf: Number(row.leaf_index) };
}
