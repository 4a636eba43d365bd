/**
 * The held officer acts (officer-act-store.ts) over SQL. The confirming decision is not
 * written here but by `insertDecision`, inside the transaction that applies the act.
 */
import type { Selectable } from 'kysely';
import type {
  ActDecisionRecord,
  HeldActKind,
  HeldActRecord,
  OfficerActStore,
  StoredHeldAct,
} from './officer-act-store.ts';
import type { ActDecisionsTable, HeldActsTable } from './schema.ts';
import { blob, bytesOf } from './sql-values.ts';
import type { AuditRecord } from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';

/** Records the act's one decision; throws a unique violation when it was decided already. */
export async function insertDecision(trx: Trx, decision: ActDecisionRecord): Promise<void> {
  await trx
    .insertInto('act_decisions')
    .values({
      act: decision.act,
      outcome: decision.outcome,
      device: decision.device,
      user_id: decision.user,
      reason: decision.reason ?? null,
      at: decision.at,
    })
    .execute();
}

export class SqlOfficerActs implements OfficerActStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  async hold(act: HeldActRecord, audit: AuditRecord): Promise<void> {
    await this.#ctx.write(async (trx) => {
      await trx
        .insertInto('held_acts')
        .values({
          id: act.id,
          org: act.org,
          kind: act.kind,
          device: act.device,
          user_id: act.user,
          subject: act.subject,
          body: blob(act.body),
          created_at: act.createdAt,
          expires_at: act.expiresAt,
        })
        .execute();
      await this.#ctx.audit(trx, audit);
    });
  }

  act(id: string): Promise<StoredHeldAct | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db.selectFrom('held_acts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const decided = await db
        .selectFrom('act_decisions')
        .selectAll()
        .where('act', '=', id)
        .executeTakeFirst();
      return { act: actOf(row), ...(decided ? { decision: decisionOf(decided) } : {}) };
    });
  }

  pending(org: string, now: number): Promise<HeldActRecord[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('held_acts as h')
        .leftJoin('act_decisions as d', 'd.act', 'h.id')
        .selectAll('h')
        .where('h.org', '=', org)
        .where('h.expires_at', '>', now)
        .where('d.act', 'is', null)
        // Oldest first; within one second, entries before invitations: an invitation may name
        // a user whose certificate is held with it, which must be confirmed first.
        .orderBy('h.created_at')
        .orderBy('h.kind')
        .orderBy('h.id')
        .limit(1000)
        .execute();
      return rows.map(actOf);
    });
  }

  async refuse(decision: ActDecisionRecord, audit: AuditRecord): Promise<boolean> {
    try {
      await this.#ctx.write(async (trx) => {
        await insertDecision(trx, decision);
        await this.#ctx.audit(trx, audit);
      });
      return true;
    } catch (error) {
      if (this.#ctx.isDuplicate(error)) return false;
      throw error;
    }
  }
}

function actOf(row: Selectable<HeldActsTable>): HeldActRecord {
  return {
    id: row.id,
    org: row.org,
    kind: row.kind as HeldActKind,
    device: row.device,
    user: row.user_id,
    subject: row.subject,
    body: bytesOf(row.body),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

function decisionOf(row: Selectable<ActDecisionsTable>): ActDecisionRecord {
  return {
    act: row.act,
    outcome: row.outcome === 'confirmed' ? 'confirmed' : 'refused',
    device: row.device,
    user: row.user_id,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    at: Number(row.at),
  };
}
