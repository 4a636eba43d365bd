/**
 * The cables aggregate: an organisation's series, a cable with all its wraps and attachment
 * links, and the fetch of its content. The series rule (docs/design.md §4) is enforced in the
 * accepting transaction, so it holds whatever the caller checked before: the next serial
 * of the year, chained to the org's last cable, never back into an earlier year.
 */
import type { Kysely } from 'kysely';
import { constantTimeEqual } from '../../core/encoding/bytes.ts';
import { canonicalize } from '../../core/encoding/canonical-json.ts';
import { toJsonValue } from '../../core/encoding/to-json.ts';
import { CABLE_COLUMNS, cableOf } from './cable-row.ts';
import type { Database } from './schema.ts';
import { linkIn, refusedLinkIn } from './sql-attachments.ts';
import { insertSilenceAct } from './sql-procedures.ts';
import { blob, bytesOf } from './sql-values.ts';
import type {
  AcceptOutcome,
  AuditRecord,
  CableRecord,
  FetchedCable,
  NewCable,
  RecordRead,
  SeriesHead,
  WrapRecord,
} from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';

/** Rows per INSERT for wraps: stays under SQLite's 32,766 bound parameters. */
const WRAP_BATCH = 1000;

export class SqlCables {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  seriesHead(org: string, year: number): Promise<SeriesHead> {
    return this.#ctx.read((db) => seriesHeadIn(db, org, year));
  }

  async accept(cable: NewCable, wraps: readonly WrapRecord[], audit: AuditRecord): Promise<AcceptOutcome> {
    // A unique violation means a concurrent writer won a race we could not see (another
    // app process on PostgreSQL); running again reports what it wrote.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#ctx.write((trx) => this.#acceptIn(trx, cable, wraps, audit));
      } catch (error) {
        if (!(attempt < 2 && this.#ctx.isDuplicate(error))) throw error;
      }
    }
  }

  async #acceptIn(
    trx: Trx,
    cable: NewCable,
    wraps: readonly WrapRecord[],
    audit: AuditRecord,
  ): Promise<AcceptOutcome> {
    const existing = await trx
      .selectFrom('cables as c')
      .select(CABLE_COLUMNS)
      .where('c.id', '=', cable.id)
      .executeTakeFirst();
    if (existing) return { kind: 'exists', cable: cableOf(existing) };

    const head = await seriesHeadIn(trx, cable.org, cable.year);
    const prevOk =
      head.hash === null
        ? cable.prev === undefined
        : cable.prev !== undefined && constantTimeEqual(cable.prev, head.hash);
    const yearOk = head.lastYear === null || cable.year >= head.lastYear;
    if (!yearOk || cable.serial !== head.serial + 1 || !prevOk) return { kind: 'conflict', head };
    const refusal = await refusedLinkIn(trx, this.#ctx.dialect, cable.attachments ?? [], cable.senderDevice);
    if (refusal) return { kind: 'attachment-refused', refusal };

    const inserted = await trx
      .insertInto('cables')
      .values({
        id: cable.id,
        org: cable.org,
        year: cable.year,
        serial: cable.serial,
        sender_device: cable.senderDevice,
        sender_user: cable.senderUser,
        distribution: canonicalize(toJsonValue(cable.distribution)),
        header: blob(cable.header),
        signature: blob(cable.signature),
        content: blob(cable.content),
        hash: blob(cable.hash),
        classification: cable.classification,
        precedence: cable.precedence,
        sent_at: cable.sentAt,
        accepted_at: cable.acceptedAt,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    const seq = Number(inserted.seq);
    for (let i = 0; i < wraps.length; i += WRAP_BATCH) {
      await trx
        .insertInto('wraps')
        .values(
          wraps.slice(i, i + WRAP_BATCH).map((w) => ({
            device: w.device,
            cable_seq: seq,
            enc: blob(w.enc),
            wrapped_key: blob(w.key),
          })),
        )
        .execute();
    }
    await linkIn(trx, seq, cable.attachments ?? []);
    if (cable.silence) await insertSilenceAct(trx, cable.silence);
    await this.#ctx.audit(trx, audit);
    return { kind: 'accepted', seq };
  }

  cable(id: string): Promise<CableRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('cables as c')
        .select(CABLE_COLUMNS)
        .where('c.id', '=', id)
        .executeTakeFirst();
      return row ? cableOf(row) : undefined;
    });
  }

  wrap(seq: number, device: string): Promise<WrapRecord | undefined> {
    return this.#ctx.read((db) => wrapIn(db, seq, device));
  }

  async fetch(seq: number, device: string, record: RecordRead): Promise<FetchedCable | undefined> {
    // Cables and wraps are never changed once stored, so they are read outside the write.
    const found = await this.#ctx.read(async (db) => {
      const wrap = await wrapIn(db, seq, device);
      if (!wrap) return undefined;
      const row = await db
        .selectFrom('cables')
        .select('content')
        .where('seq', '=', seq)
        .executeTakeFirstOrThrow();
      return { wrap, content: bytesOf(row.content) };
    });
    if (!found) return undefined;
    // docs/design.md §8: the read is on record (group-committed with other reads) before a
    // byte of ciphertext leaves.
    await record();
    return found;
  }
}

async function wrapIn(db: Kysely<Database>, seq: number, device: string): Promise<WrapRecord | undefined> {
  const row = await db
    .selectFrom('wraps')
    .select(['device', 'enc', 'wrapped_key'])
    .where('device', '=', device)
    .where('cable_seq', '=', seq)
    .executeTakeFirst();
  return row ? { device: row.device, enc: bytesOf(row.enc), key: bytesOf(row.wrapped_key) } : undefined;
}

async function seriesHeadIn(db: Kysely<Database>, org: string, year: number): Promise<SeriesHead> {
  // Both lookups walk the UNIQUE (org, year, serial) index from its top.
  const last = await db
    .selectFrom('cables')
    .select(['year', 'serial', 'hash'])
    .where('org', '=', org)
    .orderBy('year', 'desc')
    .orderBy('serial', 'desc')
    .limit(1)
    .executeTakeFirst();
  const inYear =
    last && Number(last.year) === year
      ? Number(last.serial)
      : Number(
          (
            await db
              .selectFrom('cables')
              .select('serial')
              .where('org', '=', org)
              .where('year', '=', year)
              .orderBy('serial', 'desc')
              .limit(1)
              .executeTakeFirst()
          )?.serial ?? 0,
        );
  return {
    year,
    serial: inYear,
    hash: last ? bytesOf(last.hash) : null,
    lastYear: last ? Number(last.year) : null,
  };
}
