/**
 * The watch aggregate (watch-store.ts) over SQL. Reads and requests are observed in
 * group-committed batches: every item submitted while a batch is being written waits for
 * the next one, and one durable transaction counts, assesses and records them all, so the
 * watch costs a request about one shared commit. A signed request's nonce is taken in that
 * same transaction, just before the request is observed (observeSigned): taking the nonce
 * stays the last step of verification, a replay is never observed, and a request costs one
 * durable commit instead of a nonce commit and then a watch commit.
 *
 * On PostgreSQL each device's row is locked (SELECT … FOR UPDATE) before its reads are
 * counted or its request sequence number checked, so two app processes observing one
 * device serialise on it: neither can let a read past a limit the other has reached, and
 * a number one process has seen is a duplicate to the other. SQLite has one writer at a
 * time already. What one item does is in sql-watch-observe.ts, the responses in
 * sql-watch-responses.ts, the signals' helpers in sql-watch-signals.ts, the count of listed
 * subjects in sql-watch-listings.ts.
 */
import type { Canary } from '../../core/api/watch-routes.ts';
import type { Role } from '../../core/encoding/identifiers.ts';
import type { ReadThresholds } from '../../core/watch/read-thresholds.ts';
import type { ReadBucket } from '../../core/watch/read-windows.ts';
import type { WorkingHours } from '../../core/watch/working-hours.ts';
import { GroupCommit } from './group-commit.ts';
import { recordDeliveryIn } from './sql-deliveries.ts';
import { type SqlNonces, takeIn } from './sql-nonces.ts';
import { meterIn, meterListingIn, observeIn } from './sql-watch-observe.ts';
import { canaryOf, canonicalText, endSessions, ensureRow, thresholdsIn, watchOf } from './sql-watch-rows.ts';
import { hoursIn } from './sql-watch-signals.ts';
import type { AuditRecord } from './store.ts';
import type { StoreContext, Trx } from './store-context.ts';
import { StoreError } from './store-error.ts';
import type {
  CanaryRecord,
  DeviceWatch,
  MeteredListing,
  MeteredRead,
  ReadOutcome,
  SignedOutcome,
  SignedRequest,
  WatchState,
  WatchStore,
} from './watch-store.ts';

/** Most reads or requests one batch observes. */
const BATCH = 500;

type SignedSettled =
  | { readonly ok: true; readonly value: SignedOutcome }
  | { readonly ok: false; readonly error: unknown };

export class SqlWatch implements WatchStore {
  readonly #ctx: StoreContext;
  readonly #reads: GroupCommit<MeteredRead, ReadOutcome>;
  readonly #listings: GroupCommit<MeteredListing, ReadOutcome>;
  readonly #signed: GroupCommit<SignedRequest, SignedSettled>;
  readonly #nonces: SqlNonces;

  constructor(ctx: StoreContext, nonces: SqlNonces) {
    this.#ctx = ctx;
    this.#nonces = nonces;
    const dialect = ctx.dialect;
    // A served cable read is also its organisation's delivery, in the same commit (sql-deliveries.ts).
    this.#reads = new GroupCommit(
      (batch) => this.#batch(batch, (trx, read) => meterIn(trx, dialect, read), recordDeliveryIn),
      BATCH,
    );
    this.#listings = new GroupCommit(
      (batch) => this.#batch(batch, (trx, listing) => meterListingIn(trx, dialect, listing)),
      BATCH,
    );
    this.#signed = new GroupCommit((batch) => this.#signedBatch(batch), BATCH);
  }

  meterListing(listing: MeteredListing): Promise<ReadOutcome> {
    return this.#listings.submit(listing);
  }

  meterRead(read: MeteredRead): Promise<ReadOutcome> {
    return this.#reads.submit(read);
  }

  async observeSigned(request: SignedRequest): Promise<SignedOutcome> {
    await this.#nonces.sweep(request.nonce.now);
    const settled = await this.#signed.submit(request);
    if (!settled.ok) throw settled.error;
    return settled.value;
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

  /**
   * Signed requests: each nonce taken, then (only if taken) the request observed, all in one
   * transaction. A batch that fails as a whole is run again one request per transaction, so
   * one bad item costs the others nothing and each caller gets its own answer or error.
   */
  async #signedBatch(batch: readonly SignedRequest[]): Promise<readonly SignedSettled[]> {
    const dialect = this.#ctx.dialect;
    const one = async (trx: Trx, request: SignedRequest): Promise<SignedOutcome> =>
      (await takeIn(trx, request.nonce))
        ? { taken: true, outcome: await observeIn(trx, dialect, request) }
        : { taken: false };
    type Item = { request: SignedRequest; events: (outcome: SignedOutcome) => readonly AuditRecord[] };
    const items = (requests: readonly SignedRequest[]) =>
      this.#batch<Item, SignedOutcome>(
        requests.map((request) => ({
          request,
          events: (outcome: SignedOutcome) => (outcome.taken ? request.events(outcome.outcome) : []),
        })),
        (trx, item) => one(trx, item.request),
      );
    if (batch.length > 1) {
      try {
        return (await items(batch)).map((value) => ({ ok: true, value }));
      } catch {
        // Nothing of the batch committed; each request is taken and observed again on its own.
      }
    }
    const settled: SignedSettled[] = [];
    for (const request of batch) {
      try {
        const [value] = await items([request]);
        if (!value) throw new StoreError('UNAVAILABLE', 'a request came back without its outcome');
        settled.push({ ok: true, value });
      } catch (error) {
        settled.push({ ok: false, error });
      }
    }
    return settled;
  }
}
