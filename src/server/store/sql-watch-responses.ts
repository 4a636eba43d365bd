/**
 * The watch's responses inside a metering or observing transaction (docs/design.md §9):
 * holding or suspending a device when its count or its signals call for it, and alerting
 * its officers at most once per quiet period. The caller writes the matching audit event
 * in the same transaction, from the outcome these helpers return.
 */
import type { ReadAssessment } from '../../core/watch/assess-reads.ts';
import { type DeviceRow, endSessions } from './sql-watch-rows.ts';
import { describeFinding, type ScoredFindings } from './sql-watch-signals.ts';
import type { Trx } from './store-context.ts';
import type { MeteredRead, ReadOutcome, RequestOutcome, SignalAlarm } from './watch-store.ts';

/** One alert per device per this many seconds: officers see a scrape once, not per cable. */
const ALERT_QUIET_SECONDS = 600;

type Stop = { state: 'held' | 'suspended'; reason: string };

/** Holds or suspends the device when its count calls for it: the read is not served. */
export async function stopOnCount(
  trx: Trx,
  device: string,
  at: number,
  all: ReadAssessment,
  kind: MeteredRead['kind'],
): Promise<ReadOutcome | undefined> {
  const state = all.response === 'suspend' ? 'suspended' : all.response === 'step-up' ? 'held' : undefined;
  if (!state) return undefined;
  const reason = describe(all, kind);
  await enter(trx, device, at, { state, reason });
  return { served: false, state, reason, since: at, changed: true, assessment: all };
}

/** Stops the device when the signals call for it; the alarm names what did. */
export async function stopFor(
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
  await enter(trx, row.device, at, stop);
  return { stop, alarm: { finding: scored.finding, score: scored.score } };
}

/**
 * Alerts the officers once per quiet period, for a signal's score or (`reads`) for the
 * read count; the answer carries the signal when a signal raised the alert.
 */
export async function alertFor(
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

/** A read (or listing) by a device already stopped: refused, and no new event. */
export function stoppedRead(row: DeviceRow): ReadOutcome {
  const { reason, state, since } = stopped(row) as Extract<RequestOutcome, { allowed: false }>;
  return { served: false, state, reason, since, changed: false, assessment: { response: 'none' } };
}

/** A request by a device already stopped: refused, and no new event. */
export function stopped(row: DeviceRow): RequestOutcome {
  return {
    allowed: false,
    state: row.state === 'held' ? 'held' : 'suspended',
    reason: row.reason,
    since: Number(row.since),
    changed: false,
  };
}

async function enter(trx: Trx, device: string, at: number, stop: Stop): Promise<void> {
  await trx
    .updateTable('watch_devices')
    .set({ state: stop.state, since: at, reason: stop.reason, alerted_at: at })
    .where('device', '=', device)
    .execute();
  if (stop.state === 'suspended') await endSessions(trx, device, at);
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
