/**
 * The silence procedure's aggregate (procedure-store.ts) over SQL. An act is inserted by
 * `insertSilenceAct` inside the transaction that accepts its cable (sql-cables.ts); the
 * Presidency and the outcome are acts of their own, each written with its event.
 */
import type { Kysely } from 'kysely';
import type { LogLeaf } from './log-store.ts';
import type {
  ProcedureLeavesQuery,
  ProcedureStore,
  SilenceActRecord,
  StoredOutcome,
  StoredPresidency,
} from './procedure-store.ts';
import type { Database } from './schema.ts';
import { blob, bytesOf } from './sql-values.ts';
import type { AuditRecord } from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';

/** Records a procedure act in the accepting transaction of its cable. */
export async function insertSilenceAct(trx: Trx, act: SilenceActRecord): Promise<void> {
  await trx
    .insertInto('silence_acts')
    .values({
      cable_id: act.cable,
      procedure: act.procedure,
      act: act.act,
      org: act.org,
      at: act.at,
      deadline: act.deadline ?? null,
    })
    .execute();
}

const LEAF_COLUMNS = ['leaf_index', 'seq', 'at', 'type', 'event', 'actor_org', 'object_org'] as const;

export class SqlProcedures implements ProcedureStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  presidency(): Promise<StoredPresidency | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('presidencies')
        .select(['issued_at', 'org', 'from_at', 'until_at', 'act'])
        .orderBy('issued_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row
        ? {
            issuedAt: Number(row.issued_at),
            org: row.org,
            from: Number(row.from_at),
            until: Number(row.until_at),
            act: bytesOf(row.act),
          }
        : undefined;
    });
  }

  async addPresidency(act: StoredPresidency, addedAt: number, audit: AuditRecord): Promise<boolean> {
    try {
      return await this.#ctx.write(async (trx) => {
        const newest = await trx
          .selectFrom('presidencies')
          .select('issued_at')
          .orderBy('issued_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (newest && Number(newest.issued_at) >= act.issuedAt) return false;
        await trx
          .insertInto('presidencies')
          .values({
            issued_at: act.issuedAt,
            org: act.org,
            from_at: act.from,
            until_at: act.until,
            act: blob(act.act),
            added_at: addedAt,
          })
          .execute();
        await this.#ctx.audit(trx, audit);
        return true;
      });
    } catch (error) {
      // Another process stored an act with this issuedAt first: this one is not newer.
      if (this.#ctx.isDuplicate(error)) return false;
      throw error;
    }
  }

  acts(procedure: string): Promise<SilenceActRecord[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('silence_acts')
        .selectAll()
        .where('procedure', '=', procedure)
        .orderBy('at')
        .orderBy('cable_id')
        .execute();
      return rows.map(actOf);
    });
  }

  opening(org: string, year: number, serial: number): Promise<SilenceActRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('cables as c')
        .innerJoin('silence_acts as s', 's.cable_id', 'c.id')
        .select(['s.cable_id', 's.procedure', 's.act', 's.org', 's.at', 's.deadline'])
        .where('c.org', '=', org)
        .where('c.year', '=', year)
        .where('c.serial', '=', serial)
        .where('s.act', '=', 'open')
        .executeTakeFirst();
      return row ? actOf(row) : undefined;
    });
  }

  act(cable: string): Promise<SilenceActRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('silence_acts')
        .selectAll()
        .where('cable_id', '=', cable)
        .executeTakeFirst();
      return row ? actOf(row) : undefined;
    });
  }

  leaves(query: ProcedureLeavesQuery, acts: readonly SilenceActRecord[]): Promise<LogLeaf[]> {
    return this.#ctx.read(async (db) => {
      // Deliveries: fetches and acknowledgements of the Presidency's cables in the window
      // (indexed by object_org); the reader keeps those of the opening cable.
      const reads = await db
        .selectFrom('audit_events')
        .select(LEAF_COLUMNS)
        .where('object_org', '=', query.org)
        .where('type', 'in', ['cable.fetched', 'cable.acknowledged'])
        .where('at', '>=', query.from)
        .where('at', '<', query.until)
        .where('leaf_index', '<', query.below)
        .execute();
      // Each act's own `cable.accepted` event: its organisation's events of that second.
      const accepted = await acceptedEvents(db, acts, query.below);
      const all = [...reads, ...accepted].map(leafOf);
      const unique = new Map(all.map((leaf) => [leaf.index, leaf]));
      return [...unique.values()].sort((a, b) => a.index - b.index);
    });
  }

  outcome(procedure: string): Promise<StoredOutcome | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('silence_outcomes')
        .selectAll()
        .where('procedure', '=', procedure)
        .executeTakeFirst();
      return row
        ? { procedure: row.procedure, outcome: row.outcome, at: Number(row.at), leaf: Number(row.leaf_index) }
        : undefined;
    });
  }

  async recordOutcome(procedure: string, outcome: string, at: number, audit: AuditRecord): Promise<boolean> {
    try {
      return await this.#ctx.write(async (trx) => {
        const existing = await trx
          .selectFrom('silence_outcomes')
          .select('procedure')
          .where('procedure', '=', procedure)
          .executeTakeFirst();
        if (existing) return false;
        const leaf = await this.#ctx.audit(trx, audit);
        await trx
          .insertInto('silence_outcomes')
          .values({ procedure, outcome, at, leaf_index: leaf })
          .execute();
        return true;
      });
    } catch (error) {
      // Another app process recorded the verdict first: theirs stands.
      if (this.#ctx.isDuplicate(error)) return false;
      throw error;
    }
  }
}

type LeafRow = {
  leaf_index: number | null;
  seq: number;
  at: number;
  type: string;
  event: Uint8Array;
  actor_org: string | null;
  object_org: string | null;
};

async function acceptedEvents(
  db: Kysely<Database>,
  acts: readonly SilenceActRecord[],
  below: number,
): Promise<LeafRow[]> {
  const out: LeafRow[] = [];
  for (const act of acts) {
    const rows = await db
      .selectFrom('audit_events')
      .select(LEAF_COLUMNS)
      .where('object_org', '=', act.org)
      .where('type', '=', 'cable.accepted')
      .where('at', '=', act.at)
      .where('leaf_index', '<', below)
      .execute();
    out.push(...rows);
  }
  return out;
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

function actOf(row: {
  cable_id: string;
  procedure: string;
  act: string;
  org: string;
  at: number;
  deadline: number | null;
}): SilenceActRecord {
  return {
    cable: row.cable_id,
    procedure: row.procedure,
    act: row.act,
    org: row.org,
    at: Number(row.at),
    ...(row.deadline !== null ? { deadline: Number(row.deadline) } : {}),
  };
}
