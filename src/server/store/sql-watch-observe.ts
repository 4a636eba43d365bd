/**
 * What the watch does for one item inside a group-committed transaction (docs/design.md §9):
 * meter a read, meter a listing of subjects, or observe a signed request. Each locks the
 * device's row first (FOR UPDATE on PostgreSQL), so app processes observing one device
 * serialise on it, then assesses and answers the outcome; the batch (sql-watch.ts) writes
 * the outcome's events in the same commit.
 */
import { assessReads } from '../../core/watch/assess-reads.ts';
import { DEFAULT_READ_THRESHOLDS, listingThresholds } from '../../core/watch/read-thresholds.ts';
import { BUCKET_SECONDS, bucketStart, windowTotals } from '../../core/watch/read-windows.ts';
import { SIGNAL_WEIGHTS } from '../../core/watch/watch-signals.ts';
import type { Dialect } from './migrations.ts';
import { countListed } from './sql-watch-listings.ts';
import { alertFor, stopFor, stopOnCount, stopped, stoppedRead } from './sql-watch-responses.ts';
import { lockedRequestRows, lockedRow, thresholdsIn } from './sql-watch-rows.ts';
import { originFindings, readFindings, scoreFindings, sequenceVerdict } from './sql-watch-signals.ts';
import type { Trx } from './store-context.ts';
import type {
  MeteredListing,
  MeteredRead,
  ObservedRequest,
  ReadOutcome,
  RequestOutcome,
} from './watch-store.ts';

/** The buckets a read's assessment looks at: the longest window and one bucket more. */
const LOOKBACK_SECONDS = 86_400 + BUCKET_SECONDS;

export async function observeIn(
  trx: Trx,
  dialect: Dialect,
  request: ObservedRequest,
): Promise<RequestOutcome> {
  const rows = await lockedRequestRows(trx, dialect, request.device, request.org, request.at);
  const { row } = rows;
  // A held device still reaches its passkey step-up, and its numbers are still checked.
  const mayPass = row.state === 'active' || (row.state === 'held' && request.heldMayCall === true);
  if (!mayPass) return stopped(row);
  const verdict = await sequenceVerdict(trx, request.device, request.sequence, rows.requests);
  const findings = await originFindings(trx, request.device, request.origin, request.at, rows);
  const all = [
    ...(verdict === 'duplicate' || verdict === 'regressed'
      ? [{ kind: 'clone' as const, weight: 0, detail: { sequence: request.sequence, verdict } }]
      : []),
    ...findings.map((kind) => ({ kind, weight: SIGNAL_WEIGHTS[kind], detail: { origin: request.origin } })),
  ];
  const scored = await scoreFindings(trx, request.device, Number(row.era), request.at, all);
  const stop = await stopFor(trx, row, request.at, scored);
  if (stop) {
    return { allowed: false, ...stop.stop, since: request.at, changed: true, signal: stop.alarm };
  }
  const alerted = await alertFor(trx, row, request.at, scored);
  return alerted?.signal ? { allowed: true, alert: alerted.signal } : { allowed: true };
}

export async function meterListingIn(
  trx: Trx,
  dialect: Dialect,
  listing: MeteredListing,
): Promise<ReadOutcome> {
  const row = await lockedRow(trx, dialect, listing.device, listing.org, listing.at);
  if (row.state !== 'active') return stoppedRead(row);
  const totals = await countListed(trx, listing.device, Number(row.era), listing.at, listing.cables);
  const reads = (await thresholdsIn(trx, listing.org, listing.role)) ?? DEFAULT_READ_THRESHOLDS[listing.role];
  const all = assessReads(totals, listingThresholds(reads));
  const stop = await stopOnCount(trx, listing.device, listing.at, all, 'listing');
  if (stop) return stop;
  const none = { response: 'none', score: 0 } as const;
  const alerted = await alertFor(trx, row, listing.at, none, all.response === 'alert');
  return { served: true, assessment: all, alert: alerted !== undefined };
}

export async function meterIn(trx: Trx, dialect: Dialect, read: MeteredRead): Promise<ReadOutcome> {
  const row = await lockedRow(trx, dialect, read.device, read.org, read.at);
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
  const countStop = await stopOnCount(trx, read.device, read.at, all, read.kind);
  if (countStop) return countStop;
  const stop = await stopFor(trx, row, read.at, scored);
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
  const alerted = await alertFor(trx, row, read.at, scored, all.response === 'alert');
  if (!alerted) return { served: true, assessment: all, alert: false };
  return {
    served: true,
    assessment: all,
    alert: true,
    ...(alerted.signal ? { signal: alerted.signal } : {}),
  };
}
