/**
 * The directory aggregate: the signed entries in index order (docs/design.md §5). An entry is
 * written with its event, whose leaf it records (key transparency, docs/design.md §8), and, when it
 * certifies a device that asked to be enrolled, with that enrolment marked done.
 */
import { insertDecision } from './sql-officer-acts.ts';
import { blob, bytesOf } from './sql-values.ts';
import type { AuditRecord, ConfirmedAct, DirectoryRow } from './store.ts';
import type { StoreContext } from './store-context.ts';
import { StoreError } from './store-error.ts';

export class SqlDirectory {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  entries(from: number): Promise<DirectoryRow[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('directory_entries')
        .select(['idx', 'kind', 'org', 'subject', 'entry'])
        .where('idx', '>=', from)
        .orderBy('idx')
        .execute();
      return rows.map((r) => ({
        index: Number(r.idx),
        kind: r.kind,
        org: r.org,
        subject: r.subject,
        entry: bytesOf(r.entry),
      }));
    });
  }

  async append(
    row: DirectoryRow,
    addedAt: number,
    audit: AuditRecord,
    completes?: string,
    confirms?: ConfirmedAct,
  ): Promise<boolean> {
    try {
      await this.#ctx.write(async (trx) => {
        // A held act is decided once: a second decision rolls the whole append back.
        if (confirms) await insertDecision(trx, confirms.decision);
        // The event goes first so its leaf is known; a lost race on the index rolls both back.
        const [leaf] = await this.#ctx.auditAll(trx, confirms ? [audit, confirms.audit] : [audit]);
        if (leaf === undefined) throw new StoreError('UNAVAILABLE', 'the log appended no leaf');
        await trx
          .insertInto('directory_entries')
          .values({
            idx: row.index,
            kind: row.kind,
            org: row.org,
            subject: row.subject,
            entry: blob(row.entry),
            added_at: addedAt,
            leaf_index: leaf,
          })
          .execute();
        if (completes !== undefined) {
          await trx
            .updateTable('enrolments')
            .set({ status: 'done' })
            .where('device', '=', completes)
            .where('status', '=', 'pending')
            .execute();
        }
      });
      return true;
    } catch (error) {
      if (this.#ctx.isDuplicate(error)) return false;
      throw error;
    }
  }
}
