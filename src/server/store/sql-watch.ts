/**
 * The watch aggregate (watch-store.ts) over SQL. Reads and requests are observed in
 * group-committed batches: every item submitted while a batch is being written waits for
 * the next one, and one durable transaction counts, assesses and records them all, so the
 * watch costs a request about one shared commit.
 *
 * On PostgreSQL each device's row is locked (SELECT … FOR UPDATE) before its reads are
 * counted or its request sequence number checked, so two app processes observing one
 * device serialise on it: neither can let a read past a limit the other has reached, and
 * a number one process has seen is a duplicate to the other. SQLite has one writer at a
 * time already. The signals' helpers are in sql-watch-signals.ts; the count of listed
 * subjects, assessed here against the listing thresholds, in sql-watch-listings.ts.
 */
import type { Canary } from '../../core/api/watch-routes.ts';
import type { Role } from '../../core/encoding/identifiers.ts';
import { assessReads, type ReadAssessment } from '../../core/watch/assess-reads.ts';
import {
  DEFAULT_READ_THRESHOLDS,
  listingThresholds,
  type ReadThresholds,
} from '../../core/watch/read-thresholds.ts';
import { BUCKET_SECONDS, bucketStart, type ReadBucket, windowTotals } from '../../core/watch/read-windows.ts';
import { SIGNAL_WEIGHTS } from '../../core/watch/watch-signals.ts';
import type { WorkingHours } from '../../core/watch/working-hours.ts';
import { GroupCommit } from './group-commit.ts';
import { recordDeliveryIn } from './sql-deliveries.ts';
import { countListed } from './sql-watch-listings.ts';
import {
  canaryOf,
  canonicalText,
  type DeviceRow,
  endSessions,
  ensureRow,
  lockedRow,
  thresholdsIn,
  watchOf,
} from './sql-watch-rows.ts';
import {
  describeFinding,
  hoursIn,
  originFindings,
  readFindings,
  type ScoredFindings,
  scoreFindings,
  sequenceVerdict,
} from './sql-watch-signals.ts';
import type { AuditRecord } from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';
import { StoreError } from './store-error.ts';
import type {
  CanaryRecord,
  DeviceWatch,
  MeteredListing,
  MeteredRead,
  ObservedRequest,
  ReadOutcome,
  RequestOutcome,
  SignalAlarm,
  WatchState,
  WatchStore,
} from './watch-store.ts';

/** Most reads or requests one batch observes. */
const BATCH = 500;

/** One alert per device per this many seconds: officers see a scrape once, not per cable. */
const ALERT_QUIET_SECONDS = 600;

/** The buckets a read's assessment looks at: the longest window and one bucket more. */
const LOOKBACK_SECONDS = 86_400 + BUCKET_SECONDS;

type Stop = { state: 'held' | 'suspended'; reason: string };

export class SqlWatch implements WatchStore {
  readonly #ctx: StoreContext;
  readonly #reads: GroupCommit<MeteredRead, ReadOutcome>;
  readonly #requests: GroupCommit<ObservedRequest, RequestOutcome>;
  readonly #listings: GroupCommit<MeteredListing, ReadOutcome>;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
    // A served cable read is also its organisation's delivery, in the same commit (sql-deliveries.ts).
    this.#reads = new GroupCommit(
      (batch) => this.#batch(batch, (trx, read) => this.#meterIn(trx, read), recordDeliveryIn),
      BATCH,
    );
    this.#requests = new GroupCommit(
      (batch) => this.#batch(batch, (trx, request) => this.#observeIn(trx, request)),
      BATCH,
    );
    this.#listings = new GroupCommit(
      (batch) => this.#batch(batch, (trx, listing) => this.#meterListingIn(trx, listing)),
      BATCH,
    );
  }

  meterListing(listing: MeteredListing): Promise<ReadOutcome> {
    return this.#listings.submit(listing);
  }

  meterRead(read: MeteredRead): Promise<ReadOutcome> {
    return this.#reads.submit(read);
  }

  observeRequest(request: ObservedRequest): Promise<RequestOutcome> {
    return this.#requests.submit(request);
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
      // A release starts a new era: the reads and signals that tripped the watch no longer count.
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
    const value = canonicalText(thresholds);
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

  async plantCanary(canary: CanaryRecord, audit: AuditRecord): Promise<boolean> {
    return this.#ctx.write(async (trx) => {
      const result = await trx
        .insertInto('watch_canaries')
        .values({
          cable: canary.cable,
          cable_seq: canary.cableSeq,
          org: canary.org,
          targets: canonicalText({ users: [...canary.targets.users], groups: [...canary.targets.groups] }),
          planted_by: canary.plantedBy,
          planted_at: canary.plantedAt,
          reason: canary.reason,
          tripped_device: null,
          tripped_at: null,
        })
        .onConflict((oc) => oc.column('cable').doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) return false;
      await this.#ctx.audit(trx, audit);
      return true;
    });
  }

  async canaries(org: string): Promise<Canary[]> {
    const rows = await this.#ctx.read((db) =>
      db.selectFrom('watch_canaries').selectAll().where('org', '=', org).orderBy('planted_at').execute(),
    );
    return rows.map(canaryOf);
  }

  async hours(org: string): Promise<WorkingHours | undefined> {
    return this.#ctx.read((db) => hoursIn(db, org));
  }

  async setHours(org: string, hours: WorkingHours, audit: AuditRecord): Promise<void> {
    const value = canonicalText({ ...hours, days: [...hours.days] });
    await this.#ctx.write(async (trx) => {
      await trx
        .insertInto('watch_hours')
        .values({ org, hours: value })
        .onConflict((oc) => oc.column('org').doUpdateSet({ hours: value }))
        .execute();
      await this.#ctx.audit(trx, audit);
    });
  }

  /**
   * One transaction for a batch; one log append for its events, in the order of its items;
   * then `appended`, if given, for each item with its own events and their leaves.
   */
  async #batch<I extends { events: (outcome: O) => readonly AuditRecord[] }, O>(
    batch: readonly I[],
    observe: (trx: Trx, item: I) => Promise<O>,
    appended?: (
      trx: Trx,
      item: I,
      outcome: O,
      events: readonly { readonly event: AuditRecord; readonly leaf: number }[],
    ) => Promise<void>,
  ): Promise<readonly O[]> {
    return this.#ctx.write(async (trx) => {
      const outcomes: O[] = [];
      const events: AuditRecord[] = [];
      const counts: number[] = [];
      for (const item of batch) {
        const outcome = await observe(trx, item);
        const own = item.events(outcome);
        outcomes.push(outcome);
        events.push(...own);
        counts.push(own.length);
      }
      const leaves = events.length > 0 ? await this.#ctx.auditAll(trx, events) : [];
      if (appended) {
        let next = 0;
        for (const [i, item] of batch.entries()) {
          const count = counts[i] ?? 0;
          const own = events.slice(next, next + count).map((event, j) => {
            const leaf = leaves[next + j];
            if (leaf === undefined)
              throw new StoreError('UNAVAILABLE', 'the log appended fewer leaves than events');
            return { event, leaf };
          });
          await appended(trx, item, outcomes[i] as O, own);
          next += count;
        }
      }
      return outcomes;
    });
  }

  async #observeIn(trx: Trx, request: ObservedRequest): Promise<RequestOutcome> {
    const row = await lockedRow(trx, this.#ctx.dialect, request.device, request.org, request.at);
    // A held device still reaches its passkey step-up, and its numbers are still checked.
    const mayPass = row.state === 'active' || (row.state === 'held' && request.heldMayCall === true);
    if (!mayPass) return stopped(row);
    const verdict = await sequenceVerdict(trx, request.device, request.sequence);
    const findings = await originFindings(trx, request.device, request.origin, request.at);
    const all = [
      ...(verdict === 'duplicate' || verdict === 'regressed'
        ? [{ kind: 'clone' as const, weight: 0, detail: { sequence: request.sequence, verdict } }]
        : []),
      ...findings.map((kind) => ({ kind, weight: SIGNAL_WEIGHTS[kind], detail: { origin: request.origin } })),
    ];
    const scored = await scoreFindings(trx, request.device, Number(row.era), request.at, all);
    const stop = await this.#stopFor(trx, row, request.at, scored);
    if (stop) {
      return { allowed: false, ...stop.stop, since: request.at, changed: true, signal: stop.alarm };
    }
    const alerted = await this.#alertFor(trx, row, request.at, scored);
    return alerted?.signal ? { allowed: true, alert: alerted.signal } : { allowed: true };
  }

  async #meterListingIn(trx: Trx, listing: MeteredListing): Promise<ReadOutcome> {
    const row = await lockedRow(trx, this.#ctx.dialect, listing.device, listing.org, listing.at);
    if (row.state !== 'active') return stoppedRead(row);
    const totals = await countListed(trx, listing.device, Number(row.era), listing.at, listing.cables);
    const reads =
      (await thresholdsIn(trx, listing.org, listing.role)) ?? DEFAULT_READ_THRESHOLDS[listing.role];
    const all = assessReads(totals, listingThresholds(reads));
    const stop = await this.#stopOnCount(trx, listing.device, listing.at, all, 'listing');
    if (stop) return stop;
    const none = { response: 'none', score: 0 } as const;
    const alerted = await this.#alertFor(trx, row, listing.at, none, all.response === 'alert');
    return { served: true, assessment: all, alert: alerted !== undefined };
  }

  /** Holds or suspends the device when its count calls for it: the read is not served. */
  async #stopOnCount(
    trx: Trx,
    device: string,
    at: number,
    all: ReadAssessment,
    kind: MeteredRead['kind'],
  ): Promise<ReadOutcome | undefined> {
    const state = all.response === 'suspend' ? 'suspended' : all.response === 'step-up' ? 'held' : undefined;
    if (!state) return undefined;
    const reason = describe(all, kind);
    await this.#enter(trx, device, at, { state, reason });
    return { served: false, state, reason, since: at, changed: true, assessment: all };
  }

  async #meterIn(trx: Trx, read: MeteredRead): Promise<ReadOutcome> {
    const row = await lockedRow(trx, this.#ctx.dialect, read.device, read.org, read.at);
    if (row.state !== 'active') return stoppedRead(row);
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
    const scored = await scoreFindings(trx, read.device, era, read.at, await readFindings(trx, read));

    // The read count first: a scrape is named as one even when a signal fires with it.
    const countStop = await this.#stopOnCount(trx, read.device, read.at, all, read.kind);
    if (countStop) return countStop;
    const stop = await this.#stopFor(trx, row, read.at, scored);
    if (stop) {
      return {
        served: false,
        ...stop.stop,
        since: read.at,
        changed: true,
        assessment: all,
        signal: stop.alarm,
      };
    }
    const alerted = await this.#alertFor(trx, row, read.at, scored, all.response === 'alert');
    if (!alerted) return { served: true, assessment: all, alert: false };
    return {
      served: true,
      assessment: all,
      alert: true,
      ...(alerted.signal ? { signal: alerted.signal } : {}),
    };
  }

  /** Stops the device when the signals call for it; the alarm names what did. */
  async #stopFor(
    trx: Trx,
    row: DeviceRow,
    at: number,
    scored: ScoredFindings,
  ): Promise<{ stop: Stop; alarm: SignalAlarm } | undefined> {
    if (!scored.finding || (scored.response !== 'suspend' && scored.response !== 'step-up')) return undefined;
    const stop: Stop = {
      state: scored.response === 'suspend' ? 'suspended' : 'held',
      reason: describeFinding(scored.finding, scored.score),
    };
    await this.#enter(trx, row.device, at, stop);
    return { stop, alarm: { finding: scored.finding, score: scored.score } };
  }

  /**
   * Alerts the officers once per quiet period, for a signal's score or (`reads`) for the
   * read count; the answer carries the signal when a signal raised the alert.
   */
  async #alertFor(
    trx: Trx,
    row: DeviceRow,
    at: number,
    scored: ScoredFindings,
    reads = false,
  ): Promise<{ signal?: SignalAlarm } | undefined> {
    const signal =
      scored.response === 'alert' && scored.finding
        ? { finding: scored.finding, score: scored.score }
        : undefined;
    if (!signal && !reads) return undefined;
    if (row.alerted_at !== null && at - Number(row.alerted_at) < ALERT_QUIET_SECONDS) return undefined;
    await trx.updateTable('watch_devices').set({ alerted_at: at }).where('device', '=', row.device).execute();
    row.alerted_at = at;
    return signal ? { signal } : {};
  }

  async #enter(trx: Trx, device: string, at: number, stop: Stop): Promise<void> {
    await trx
      .updateTable('watch_devices')
      .set({ state: stop.state, since: at, reason: stop.reason, alerted_at: at })
      .where('device', '=', device)
      .execute();
    if (stop.state === 'suspended') await endSessions(trx, device, at);
  }
}

/** A read (or listing) by a device already stopped: refused, and no new event. */
function stoppedRead(row: DeviceRow): ReadOutcome {
  const { reason, state, since } = stopped(row) as Extract<RequestOutcome, { allowed: false }>;
  return { served: false, state, reason, since, changed: false, assessment: { response: 'none' } };
}

function stopped(row: DeviceRow): RequestOutcome {
  return {
    allowed: false,
    state: row.state === 'held' ? 'held' : 'suspended',
    reason: row.reason,
    since: Number(row.since),
    changed: false,
  };
}

const KIND_WORDS = {
  cable: 'cables read',
  attachment: 'attachments read',
  listing: 'subjects listed',
} as const;

function describe(assessment: ReadAssessment, kind: MeteredRead['kind']): string {
  if (assessment.response === 'none') return '';
  const reads = Math.round(assessment.reads);
  return `${reads} ${KIND_WORDS[kind]} in a ${assessment.window} (limit ${assessment.limit})`;
}
