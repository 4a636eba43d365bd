/**
 * The cables aggregate: an organisation's series, a cable with all its wraps and attachment
 * links, and the fetch of its content. The series rule (docs/design.md §4) is enforced in the
 * accepting transaction, so it holds whatever the caller checked before: the next serial
 * of the year, chained to the org's last cable, never back into an earlier year.
 *
 * Accepting is group-committed (docs/design.md §7): cables that arrive while a batch is being
 * written go together in the next transaction, each checked against the series as the ones
 * before it in the batch left it, and their `cable.accepted` events appended as one run of
 * leaves. Each caller hears its outcome only after the batch committed. A batch that fails
 * as a whole (one cable's bad wraps, a lost race with another process) is run again one cable
 * per transaction, so one bad cable never costs another its acceptance.
 *
 * On SQLite the wraps, hundreds per cable, go through one cached prepared statement on the
 * connection under Kysely, inside Kysely's transaction (the same connection, so the same
 * transaction): compiling and preparing a 300-row INSERT per cable cost more than running it.
 */
import { type Kysely, sql } from 'kysely';
import { constantTimeEqual } from '../../core/encoding/bytes.ts';
import { canonicalize } from '../../core/encoding/canonical-json.ts';
import { toJsonValue } from '../../core/encoding/to-json.ts';
import { CABLE_COLUMNS, cableOf } from './cable-row.ts';
import { GroupCommit } from './group-commit.ts';
import type { Database } from './schema.ts';
import { linkIn, refusedLinkIn } from './sql-attachments.ts';
import type { SqliteConnection } from './sql-log-store.ts';
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
import { StoreError } from './store-error.ts';

/** Most cables one group commit writes: bounds a transaction to a few MB of wraps. */
const CABLE_BATCH = 32;

const INSERT_WRAP = 'INSERT INTO wraps (device, cable_seq, enc, wrapped_key) VALUES (?, ?, ?, ?)';

interface Accept {
  readonly cable: NewCable;
  readonly wraps: readonly WrapRecord[];
  readonly audit: AuditRecord;
}

/** One cable's result in a batch: its outcome, or the error that refused it alone. */
type Settled =
  | { readonly ok: true; readonly outcome: AcceptOutcome }
  | { readonly ok: false; readonly error: unknown };

export class SqlCables {
  readonly #ctx: StoreContext;
  readonly #batches: GroupCommit<Accept, Settled>;
  readonly #insertWrap: ((...params: unknown[]) => unknown) | undefined;

  constructor(ctx: StoreContext, sqlite?: SqliteConnection) {
    this.#ctx = ctx;
    this.#batches = new GroupCommit((batch) => this.#acceptBatch(batch), CABLE_BATCH);
    if (sqlite !== undefined && !ctx.readOnly) {
      const statement = sqlite.prepare(INSERT_WRAP);
      this.#insertWrap = (...params) => {
        // Only inside the cable's transaction: its COMMIT is what the store counts and syncs.
        if (!sqlite.inTransaction)
          throw new StoreError('UNAVAILABLE', 'a wrap is written only inside its cable transaction');
        return statement.run(...params);
      };
    }
  }

  seriesHead(org: string, year: number): Promise<SeriesHead> {
    return this.#ctx.read((db) => seriesHeadIn(db, org, year));
  }

  async accept(cable: NewCable, wraps: readonly WrapRecord[], audit: AuditRecord): Promise<AcceptOutcome> {
    const settled = await this.#batches.submit({ cable, wraps, audit });
    if (!settled.ok) throw settled.error;
    return settled.outcome;
  }

  async #acceptBatch(batch: readonly Accept[]): Promise<readonly Settled[]> {
    if (batch.length > 1) {
      try {
        const outcomes = await this.#ctx.write((trx) => this.#acceptAllIn(trx, batch));
        return outcomes.map((outcome) => ({ ok: true, outcome }));
      } catch {
        // Nothing of the batch committed; each cable is tried again on its own below, and
        // reports its own error (a disk error stops the store, so they all report it).
      }
    }
    const settled: Settled[] = [];
    for (const item of batch) {
      try {
        settled.push({ ok: true, outcome: await this.#acceptOne(item) });
      } catch (error) {
        settled.push({ ok: false, error });
      }
    }
    return settled;
  }

  async #acceptOne(item: Accept): Promise<AcceptOutcome> {
    // A unique violation means a concurrent writer won a race we could not see (another
    // app process on PostgreSQL); running again reports what it wrote.
    for (let attempt = 0; ; attempt++) {
      try {
        const [outcome] = await this.#ctx.write((trx) => this.#acceptAllIn(trx, [item]));
        if (outcome === undefined) throw new StoreError('UNAVAILABLE', 'accepting a cable gave no outcome');
        return outcome;
      } catch (error) {
        if (!(attempt < 2 && this.#ctx.isDuplicate(error))) throw error;
      }
    }
  }

  /** Each cable in order, then the accepted ones' events as one append. */
  async #acceptAllIn(trx: Trx, batch: readonly Accept[]): Promise<AcceptOutcome[]> {
    const outcomes: AcceptOutcome[] = [];
    const audits: AuditRecord[] = [];
    for (const { cable, wraps, audit } of batch) {
      const outcome = await this.#acceptIn(trx, cable, wraps);
      outcomes.push(outcome);
      if (outcome.kind === 'accepted') audits.push(audit);
    }
    if (audits.length > 0) await this.#ctx.auditAll(trx, audits);
    return outcomes;
  }

  /**
   * One cable, inside the batch's transaction. A cable already stored is never at its
   * series' next place (its serial is at or behind the head), so the common case, a new
   * cable, costs no lookup by id: the id is looked up only when the place is taken, and
   * when the insert finds the id taken (ON CONFLICT DO NOTHING, e.g. by another app process
   * between this transaction's start and its insert), which is then the same answer.
   */
  async #acceptIn(trx: Trx, cable: NewCable, wraps: readonly WrapRecord[]): Promise<AcceptOutcome> {
    const head = await seriesHeadIn(trx, cable.org, cable.year);
    const prevOk =
      head.hash === null
        ? cable.prev === undefined
        : cable.prev !== undefined && constantTimeEqual(cable.prev, head.hash);
    const yearOk = head.lastYear === null || cable.year >= head.lastYear;
    if (!yearOk || cable.serial !== head.serial + 1 || !prevOk) {
      const existing = await storedIn(trx, cable.id);
      return existing ? { kind: 'exists', cable: existing } : { kind: 'conflict', head };
    }
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
        summary: cable.summary === undefined ? null : blob(cable.summary),
        hash: blob(cable.hash),
        classification: cable.classification,
        precedence: cable.precedence,
        sent_at: cable.sentAt,
        accepted_at: cable.acceptedAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('seq')
      .executeTakeFirst();
    if (inserted === undefined) {
      const existing = await storedIn(trx, cable.id);
      if (existing === undefined)
        throw new StoreError('UNAVAILABLE', `cable ${cable.id} was neither stored nor found`);
      return { kind: 'exists', cable: existing };
    }
    const seq = Number(inserted.seq);
    await this.#insertWraps(trx, seq, wraps);
    await linkIn(trx, seq, cable.attachments ?? []);
    if (cable.silence) await insertSilenceAct(trx, cable.silence);
    return { kind: 'accepted', seq };
  }

  async #insertWraps(trx: Trx, seq: number, wraps: readonly WrapRecord[]): Promise<void> {
    const insertWrap = this.#insertWrap;
    if (insertWrap !== undefined) {
      // Inside `trx`: Kysely holds SQLite's one connection for this transaction's callback.
      for (const w of wraps) insertWrap(w.device, seq, blob(w.enc), blob(w.key));
      return;
    }
    // PostgreSQL: every wrap in one statement of seven parameters, the bytes of all of them
    // in two binary parameters cut apart by offset. A VALUES list of 300 rows was 1,200
    // parameters to compile, serialise and parse, which cost more than inserting the rows.
    if (wraps.length > 0) await insertWrapsIn(trx, seq, wraps);
  }

  cable(id: string): Promise<CableRecord | undefined> {
    return this.#ctx.read((db) => storedIn(db, id));
  }

  byReference(org: string, year: number, serial: number): Promise<CableRecord | undefined> {
    return this.#ctx.read(async (db) => {
      const row = await db
        .selectFrom('cables as c')
        .select(CABLE_COLUMNS)
        .where('c.org', '=', org)
        .where('c.year', '=', year)
        .where('c.serial', '=', serial)
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
        .select(['content', 'summary'])
        .where('seq', '=', seq)
        .executeTakeFirstOrThrow();
      const content = bytesOf(row.content);
      return row.summary === null ? { wrap, content } : { wrap, content, summary: bytesOf(row.summary) };
    });
    if (!found) return undefined;
    // docs/design.md §8: the read is on record (group-committed with other reads) before a
    // byte of ciphertext leaves.
    await record();
    return found;
  }
}

/** PostgreSQL: inserts `wraps` of cable `seq` with one statement (see `#insertWraps`). */
async function insertWrapsIn(trx: Trx, seq: number, wraps: readonly WrapRecord[]): Promise<void> {
  const encStarts: number[] = [];
  const keyStarts: number[] = [];
  let enc = 1;
  let key = 1;
  for (const w of wraps) {
    encStarts.push(enc);
    keyStarts.push(key);
    enc += w.enc.length;
    key += w.key.length;
  }
  const encs = Buffer.concat(wraps.map((w) => w.enc));
  const keys = Buffer.concat(wraps.map((w) => w.key));
  // substring(bytes FROM start FOR length) on bytea counts bytes from 1.
  await sql`INSERT INTO wraps (device, cable_seq, enc, wrapped_key)
    SELECT w.device, ${seq}::bigint,
      substring(${encs}::bytea FROM w.enc_start FOR w.enc_length),
      substring(${keys}::bytea FROM w.key_start FOR w.key_length)
    FROM unnest(${wraps.map((w) => w.device)}::text[], ${encStarts}::int[], ${wraps.map((w) => w.enc.length)}::int[],
      ${keyStarts}::int[], ${wraps.map((w) => w.key.length)}::int[])
      AS w (device, enc_start, enc_length, key_start, key_length)`.execute(trx);
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

/** The cable stored under `id`, if any. */
async function storedIn(db: Kysely<Database>, id: string): Promise<CableRecord | undefined> {
  const row = await db
    .selectFrom('cables as c')
    .select(CABLE_COLUMNS)
    .where('c.id', '=', id)
    .executeTakeFirst();
  return row ? cableOf(row) : undefined;
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
