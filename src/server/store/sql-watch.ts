/**
 * The watch aggregate (watch-store.ts) over SQL. Reads are metered in group-committed
 * batches: every read submitted while a batch is being written waits for the next one, and
 * one durable transaction counts, assesses and records them all, so the watch costs a fetch
 * about one shared commit, which the fetch event needed anyway.
 *
 * On PostgreSQL each device's row is locked (SELECT … FOR UPDATE) before its reads are
 * counted, so two app processes metering one device serialise on it and neither can let a
 * read past a limit the other has reached. SQLite has one writer at a time already.
 */

import { encodeCanonical } from '../../core/encoding/canonical-json.ts';
import { decodeJson } from '../../core/encoding/decode.ts';
import type { Role } from '../../core/encoding/identifiers.ts';
import { assessReads, type ReadAssessment } from '../../core/watch/assess-reads.ts';
import {
  DEFAULT_READ_THRESHOLDS,
  decodeReadThresholds,
  type ReadThresholds,
} from '../../core/watch/read-thresholds.ts';
import { BUCKET_SECONDS, bucketStart, type ReadBucket, windowTotals } from '../../core/watch/read-windows.ts';
import { GroupCommit } from './group-commit.ts';
import type { AuditRecord } from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';
import type { DeviceWatch, MeteredRead, ReadOutcome, WatchState, WatchStore } from './watch-store.ts';
import { WATCH_STATES } from './watch-store.ts';

/** Most reads one batch meters. */
const READ_BATCH = 500;

/** One alert per device per this many seconds: officers see a scrape once, not per cable. */
const ALERT_QUIET_SECONDS = 600;

/** The buckets a read's assessment looks at: the longest window and one bucket more. */
const LOOKBACK_SECONDS = 86_400 + BUCKET_SECONDS;

interface DeviceRow {
  device: string;
  org: string;
  state: string;
  since: number;
  reason: string;
  era: number;
  alerted_at: number | null;
}

export class SqlWatch implements WatchStore {
  readonly #ctx: StoreContext;
  readonly #reads: GroupCommit<MeteredRead, ReadOutcome>;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
    this.#reads = new GroupCommit((batch) => this.#meterBatch(batch), READ_BATCH);
  }

  meterRead(read: MeteredRead): Promise<ReadOutcome> {
    return this.#reads.submit(read);
  }

  async device(device: string): Promise<DeviceWatch | undefined> {
    const row = await this.#ctx.read((db) =>
      db.selectFrom('watch_devices').selectAll().where('device', '=', device).executeTakeFirst(),
    );
    return row ? watchOf(row) : undefined;
  }

  async devices(org: string): Promise<DeviceWatch[]> {
    const rows = await this.#ctx.read((db) =>
      db.selectFrom('watch_devices').selectAll().where('org', '=', org).orderBy('device').execute(),
    );
    return rows.map(watchOf);
  }

  async setState(
    device: string,
    org: string,
    state: WatchState,
    at: number,
    reason: string,
    audit: AuditRecord,
  ): Promise<void> {
    await this.#ctx.write(async (trx) => {
      await ensureRow(trx, device, org, at);
      // A release starts a new era: the reads that tripped the watch no longer count.
      await trx
        .updateTable('watch_devices')
        .set((eb) => ({
          state,
          since: at,
          reason,
          ...(state === 'active' ? { era: eb('era', '+', 1), alerted_at: null } : {}),
        }))
        .where('device', '=', device)
        .execute();
      if (state === 'suspended') await endSessions(trx, device, at);
      await this.#ctx.audit(trx, audit);
    });
  }

  async thresholds(org: string, role: Role): Promise<ReadThresholds | undefined> {
    return this.#ctx.read(async (db) => thresholdsIn(db, org, role));
  }

  async setThresholds(
    org: string,
    role: Role,
    thresholds: ReadThresholds,
    audit: AuditRecord,
  ): Promise<void> {
    const value = new TextDecoder().decode(encodeCanonical(thresholds));
    await this.#ctx.write(async (trx) => {
      await trx
        .insertInto('watch_thresholds')
        .values({ org, role, thresholds: value })
        .onConflict((oc) => oc.columns(['org', 'role']).doUpdateSet({ thresholds: value }))
        .execute();
      await this.#ctx.audit(trx, audit);
    });
  }

  async buckets(device: string, from: number, to: number): Promise<ReadBucket[]> {
    const rows = await this.#ctx.read((db) =>
      db
        .selectFrom('watch_reads')
        .select((eb) => ['bucket', eb.fn.sum<number>('reads').as('reads')])
        .where('device', '=', device)
        .where('bucket', '>=', from)
        .where('bucket', '<', to)
        .groupBy('bucket')
        .orderBy('bucket')
        .execute(),
    );
    return rows.map((r) => ({ start: Number(r.bucket), reads: Number(r.reads) }));
  }

  async #meterBatch(batch: readonly MeteredRead[]): Promise<readonly ReadOutcome[]> {
    return this.#ctx.write(async (trx) => {
      const outcomes: ReadOutcome[] = [];
      const events: AuditRecord[] = [];
      for (const read of batch) {
        const outcome = await this.#meterIn(trx, read);
        outcomes.push(outcome);
        events.push(...read.events(outcome));
      }
      // One log append per transaction: the batch's events, in the order of its reads.
      if (events.length > 0) await this.#ctx.auditAll(trx, events);
      return outcomes;
    });
  }

  async #meterIn(trx: Trx, read: MeteredRead): Promise<ReadOutcome> {
    await ensureRow(trx, read.device, read.org, read.at);
    let query = trx.selectFrom('watch_devices').selectAll().where('device', '=', read.device);
    if (this.#ctx.dialect === 'postgres') query = query.forUpdate();
    const row = (await query.executeTakeFirstOrThrow()) as DeviceRow;
    if (row.state !== 'active') {
      return {
        served: false,
        state: row.state as Exclude<WatchState, 'active'>,
        reason: row.reason,
        since: Number(row.since),
        changed: false,
        assessment: { response: 'none' },
      };
    }

    const era = Number(row.era);
    await trx
      .insertInto('watch_reads')
      .values({ device: read.device, era, bucket: bucketStart(read.at), reads: 1 })
      .onConflict((oc) =>
        oc
          .columns(['device', 'era', 'bucket'])
          .doUpdateSet((eb) => ({ reads: eb('watch_reads.reads', '+', 1) })),
      )
      .execute();
    const rows = await trx
      .selectFrom('watch_reads')
      .select(['bucket', 'reads'])
      .where('device', '=', read.device)
      .where('era', '=', era)
      .where('bucket', '>', read.at - LOOKBACK_SECONDS)
      .execute();
    const buckets = rows.map((r) => ({ start: Number(r.bucket), reads: Number(r.reads) }));
    const thresholds = (await thresholdsIn(trx, read.org, read.role)) ?? DEFAULT_READ_THRESHOLDS[read.role];
    const all = assessReads(windowTotals(buckets, read.at), thresholds);

    const stop = stopFor(all);
    if (stop) {
      const reason = describe(stop.assessment, read.kind);
      await trx
        .updateTable('watch_devices')
        .set({ state: stop.state, since: read.at, reason, alerted_at: read.at })
        .where('device', '=', read.device)
        .execute();
      if (stop.state === 'suspended') await endSessions(trx, read.device, read.at);
      return {
        served: false,
        state: stop.state,
        reason,
        since: read.at,
        changed: true,
        assessment: stop.assessment,
      };
    }
    const alert =
      all.response === 'alert' &&
      (row.alerted_at === null || read.at - Number(row.alerted_at) >= ALERT_QUIET_SECONDS);
    if (alert) {
      await trx
        .updateTable('watch_devices')
        .set({ alerted_at: read.at })
        .where('device', '=', read.device)
        .execute();
    }
    return { served: true, assessment: all, alert };
  }
}

/** The stop a read's assessment calls for: a suspension, or a hold for an officer. */
function stopFor(
  assessment: ReadAssessment,
): { state: 'held' | 'suspended'; assessment: ReadAssessment } | undefined {
  if (assessment.response === 'suspend') return { state: 'suspended', assessment };
  if (assessment.response === 'step-up') return { state: 'held', assessment };
  return undefined;
}

const KIND_WORDS = { cable: 'cables', attachment: 'attachments', listing: 'reads' } as const;

function describe(assessment: ReadAssessment, kind: MeteredRead['kind']): string {
  if (assessment.response === 'none') return '';
  const reads = Math.round(assessment.reads);
  return `${reads} ${KIND_WORDS[kind]} read in a ${assessment.window} (limit ${assessment.limit})`;
}

async function ensureRow(trx: Trx, device: string, org: string, at: number): Promise<void> {
  await trx
    .insertInto('watch_devices')
    .values({
      device,
      org,
      state: 'active',
      since: at,
      reason: '',
      era: 0,
      alerted_at: null,
    })
    .onConflict((oc) => oc.column('device').doNothing())
    .execute();
}

async function endSessions(trx: Trx, device: string, at: number): Promise<void> {
  await trx
    .updateTable('web_sessions')
    .set({ ended_at: at })
    .where('device', '=', device)
    .where('ended_at', 'is', null)
    .execute();
}

type Reader = Pick<Trx, 'selectFrom'>;

async function thresholdsIn(db: Reader, org: string, role: Role): Promise<ReadThresholds | undefined> {
  const row = await db
    .selectFrom('watch_thresholds')
    .select('thresholds')
    .where('org', '=', org)
    .where('role', '=', role)
    .executeTakeFirst();
  // Stored only after decoding, and decoded again on the way out: a row edited in the
  // database is refused, never used half-read.
  return row ? decodeJson(row.thresholds, decodeReadThresholds) : undefined;
}

function watchOf(row: DeviceRow): DeviceWatch {
  const state = WATCH_STATES.find((s) => s === row.state) ?? 'suspended';
  return {
    device: row.device,
    org: row.org,
    state,
    since: Number(row.since),
    reason: row.reason,
  };
}
