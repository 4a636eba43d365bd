/**
 * The audit aggregate's own reads and appends: events that are acts of their own (a
 * refusal, a fetch) are group-committed through the context; an act's event is appended by
 * its aggregate inside the act's transaction (store-context.ts). The tree, checkpoints and
 * cosignatures are the log's (sql-log-store.ts).
 */
import { bytesOf } from './sql-values.ts';
import type { AuditRecord, StoredAuditEvent } from './store.ts';
import type { StoreContext } from './store-context.ts';

export class SqlAuditEvents {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  append(audit: AuditRecord): Promise<number> {
    return this.#ctx.appendAudit(audit);
  }

  after(after: number, limit: number): Promise<StoredAuditEvent[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('audit_events')
        .select(['seq', 'at', 'type', 'event'])
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        at: Number(r.at),
        type: r.type,
        event: bytesOf(r.event),
      }));
    });
  }
}
