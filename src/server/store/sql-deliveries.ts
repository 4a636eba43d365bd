/**
 * The delivery aggregate (delivery-store.ts) over SQL. A delivery is inserted by
 * `recordDeliveryIn` inside the watch's read commit, the one that writes the read's
 * `cable.fetched` event, so the board's "delivered" and the log's fetch never disagree;
 * an escalation is an act of its own, written with its `cable.overdue` event.
 */
import type { Selectable } from 'kysely';
import { formatReference } from '../../core/cable/reference.ts';
import { parseLogEvent } from '../../core/log/log-event.ts';
import { CABLE_COLUMNS, cableOf } from './cable-row.ts';
import type {
  CandidateQuery,
  DeliveryRecord,
  DeliveryStore,
  EscalationCandidate,
  EscalationRecord,
  NewEscalation,
  NoticeQuery,
  OverdueNotice,
} from './delivery-store.ts';
import type { EscalationsTable } from './schema.ts';
import { bytesOf } from './sql-values.ts';
import type { AckRecord, AuditRecord } from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';
import type { MeteredRead, ReadOutcome } from './watch-store.ts';

/**
 * After a read's commit appended its events: a served cable read is its organisation's
 * delivery (the sender's board), recorded with the time and leaf of its `cable.fetched`
 * event (the read's first) unless that organisation fetched the cable before.
 */
export async function recordDeliveryIn(
  trx: Trx,
  read: MeteredRead,
  outcome: ReadOutcome,
  appended: readonly { readonly event: AuditRecord; readonly leaf: number }[],
): Promise<void> {
  const fetched = appended[0];
  if (!outcome.served || read.kind !== 'cable' || fetched === undefined) return;
  await trx
    .insertInto('deliveries')
    .values({
      cable_seq: read.cable.seq,
      org: read.org,
      device: read.device,
      at: fetched.event.at,
      leaf_index: fetched.leaf,
    })
    .onConflict((oc) => oc.columns(['cable_seq', 'org']).doNothing())
    .execute();
}

type EscalationRow = Selectable<EscalationsTable>;

export class SqlDeliveries implements DeliveryStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  deliveries(cableSeq: number): Promise<DeliveryRecord[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('deliveries')
        .select(['org', 'device', 'at', 'leaf_index'])
        .where('cable_seq', '=', cableSeq)
        .orderBy('org')
        .execute();
      return rows.map((r) => ({
        org: r.org,
        device: r.device,
        at: Number(r.at),
        leaf: Number(r.leaf_index),
      }));
    });
  }

  escalations(cableSeq: number): Promise<EscalationRecord[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('escalations')
        .selectAll()
        .where('cable_seq', '=', cableSeq)
        .orderBy('seq')
        .execute();
      return rows.map(escalationOf);
    });
  }

  candidates(query: CandidateQuery): Promise<EscalationCandidate[]> {
    if (query.precedences.length === 0) return Promise.resolve([]);
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('cables as c')
        .select(CABLE_COLUMNS)
        .where('c.precedence', 'in', [...query.precedences])
        .where('c.accepted_at', '>=', query.acceptedFrom)
        .where('c.accepted_at', '<=', query.acceptedTo)
        .where('c.seq', '>', query.after)
        .orderBy('c.seq')
        .limit(query.limit)
        .execute();
      const cables = rows.map(cableOf);
      if (cables.length === 0) return [];
      const seqs = cables.map((c) => c.seq);
      const acks = await db
        .selectFrom('acks')
        .select(['cable_seq', 'org', 'user_id', 'device', 'at'])
        .where('cable_seq', 'in', seqs)
        .execute();
      const escalated = await db
        .selectFrom('escalations')
        .select(['cable_seq', 'org'])
        .where('cable_seq', 'in', seqs)
        .execute();
      return cables.map((cable) => ({
        cable,
        acks: acks
          .filter((a) => Number(a.cable_seq) === cable.seq)
          .map((a) => ({ org: a.org, user: a.user_id, device: a.device, at: Number(a.at) })),
        escalated: escalated.filter((e) => Number(e.cable_seq) === cable.seq).map((e) => e.org),
      }));
    });
  }

  async escalate(escalation: NewEscalation, audit: AuditRecord): Promise<boolean> {
    try {
      return await this.#ctx.write(async (trx) => {
        const existing = await trx
          .selectFrom('escalations')
          .select('seq')
          .where('cable_seq', '=', escalation.cableSeq)
          .where('org', '=', escalation.org)
          .executeTakeFirst();
        if (existing) return false;
        const leaf = await this.#ctx.audit(trx, audit);
        await trx
          .insertInto('escalations')
          .values({
            cable_seq: escalation.cableSeq,
            org: escalation.org,
            sender_org: escalation.senderOrg,
            sender_user: escalation.senderUser,
            due_at: escalation.dueAt,
            at: escalation.at,
            leaf_index: leaf,
          })
          .execute();
        return true;
      });
    } catch (error) {
      // Another app process escalated it first (the unique key): theirs stands, and its event.
      if (this.#ctx.isDuplicate(error)) return false;
      throw error;
    }
  }

  notices(query: NoticeQuery): Promise<OverdueNotice[]> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('escalations as e')
        .innerJoin('cables as c', 'c.seq', 'e.cable_seq')
        .selectAll('e')
        .select(['c.id', 'c.org as cable_org', 'c.year', 'c.serial', 'c.precedence'])
        .where('e.seq', '>', query.after)
        .where((eb) =>
          query.registry
            ? eb.or([eb('e.org', '=', query.org), eb('e.sender_org', '=', query.org)])
            : eb.and([eb('e.sender_org', '=', query.org), eb('e.sender_user', '=', query.user)]),
        )
        .orderBy('e.seq')
        .limit(query.limit)
        .execute();
      return rows.map((r) => ({
        ...escalationOf(r),
        cable: r.id,
        reference: formatReference({ org: r.cable_org, year: Number(r.year), serial: Number(r.serial) }),
        precedence: r.precedence,
      }));
    });
  }

  ackLeaf(cable: { readonly id: string; readonly org: string }, ack: AckRecord): Promise<number | undefined> {
    return this.#ctx.read(async (db) => {
      const rows = await db
        .selectFrom('audit_events')
        .select(['leaf_index', 'event'])
        .where('type', '=', 'cable.acknowledged')
        .where('object_org', '=', cable.org)
        .where('actor_org', '=', ack.org)
        .where('at', '=', ack.at)
        .execute();
      const found = rows.find((r) => {
        const event = parseLogEvent(bytesOf(r.event));
        return event.object.id === cable.id && event.actor.device === ack.device;
      });
      return found?.leaf_index == null ? undefined : Number(found.leaf_index);
    });
  }

  lastNotice(): Promise<number> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('escalations')
        .select('seq')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? Number(row.seq) : 0;
    });
  }
}

function escalationOf(row: EscalationRow): EscalationRecord {
  return {
    seq: Number(row.seq),
    cableSeq: Number(row.cable_seq),
    org: row.org,
    senderOrg: row.sender_org,
    senderUser: row.sender_user,
    dueAt: Number(row.due_at),
    at: Number(row.at),
    leaf: Number(row.leaf_index),
  };
}
