/**
 * The windows over which the watch counts a device's reads, and the minute buckets the
 * counts are kept in. A bucket is one row of state per device and minute, so every app
 * process over one database sees the same totals, and a restart loses nothing
 * (docs/design.md §9). A window's total is a sliding-window estimate: every bucket inside
 * the window counts whole, and the oldest bucket, which the window only partly covers,
 * counts for the part covered (its reads taken as spread evenly over its minute). A burst
 * that straddles a minute boundary is therefore counted, not split in two.
 */

/** The windows, shortest first: a fast scrape trips the first, a slow one the last. */
export const READ_WINDOWS = [
  { name: 'minute', seconds: 60 },
  { name: '10 minutes', seconds: 600 },
  { name: 'hour', seconds: 3600 },
  { name: 'day', seconds: 86_400 },
] as const;

export type ReadWindow = (typeof READ_WINDOWS)[number]['name'];

/** The size of one bucket of counted reads. */
export const BUCKET_SECONDS = 60;

/** How long buckets are kept: the longest window, plus a week for the officer's chart. */
export const BUCKET_RETENTION_SECONDS = 8 * 86_400;

/** One bucket of state: the reads counted in the minute starting at `start` (Unix seconds). */
export interface ReadBucket {
  readonly start: number;
  readonly reads: number;
}

export type WindowTotals = Readonly<Record<ReadWindow, number>>;

/** The start of the bucket that holds time `at` (Unix seconds). */
export function bucketStart(at: number): number {
  if (!Number.isSafeInteger(at) || at < 0) throw new RangeError('at must be Unix seconds');
  return at - (at % BUCKET_SECONDS);
}

/**
 * The reads in each window ending at `now` (Unix seconds). Buckets from the future (after a
 * clock step back) count in full everywhere: the watch errs towards counting a read.
 */
export function windowTotals(buckets: readonly ReadBucket[], now: number): WindowTotals {
  const totals = { minute: 0, '10 minutes': 0, hour: 0, day: 0 } satisfies Record<ReadWindow, number>;
  for (const bucket of buckets) {
    for (const window of READ_WINDOWS) {
      const from = now - window.seconds;
      const end = bucket.start + BUCKET_SECONDS;
      if (end <= from) continue;
      // The bucket holding `now` counts whole: its reads all happened inside the window.
      const covered = bucket.start >= from || now < end ? 1 : (end - from) / BUCKET_SECONDS;
      totals[window.name] += bucket.reads * covered;
    }
  }
  return totals;
}
