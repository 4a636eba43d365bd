/**
 * The watch's signals in the store (core/watch/watch-signals.ts, docs/design.md §9): each
 * helper runs inside the transaction that meters a read or observes a request, after the
 * device's watch row is locked, so every app process over one database sees one sequence
 * window, one set of origins and one score per device.
 */
import { decodeCanaryTargets } from '../../core/api/watch-routes.ts';
import { decodeJson } from '../../core/encoding/decode.ts';
import type { Role } from '../../core/encoding/identifiers.ts';
import {
  FRESH_SEQUENCE,
  observeSequence,
  type SequenceState,
  type SequenceVerdict,
} from '../../core/watch/sequence-window.ts';
import {
  assessScore,
  NEW_ORIGINS_COUNTED_PER_DAY,
  OLD_ARCHIVE_SECONDS,
  originSignals,
  SCORE_WINDOW_SECONDS,
  SIGNAL_WEIGHTS,
  type SignalKind,
  TWO_ORIGINS_QUIET_SECONDS,
} from '../../core/watch/watch-signals.ts';
import {
  DEFAULT_WORKING_HOURS,
  decodeWorkingHours,
  type WorkingHours,
  withinWorkingHours,
} from '../../core/watch/working-hours.ts';
import type { RequestRows } from './sql-watch-rows.ts';
import type { Trx } from './store-context.ts';
import type { SignalFinding } from './watch-store.ts';

type Reader = Pick<Trx, 'selectFrom'>;

/**
 * Records a request's sequence number against the device's window as read with its locked
 * row (`window`, none before its first request); `duplicate` and `regressed` mean a copied key.
 */
export async function sequenceVerdict(
  trx: Trx,
  device: string,
  sequence: number,
  window: RequestRows['requests'],
): Promise<SequenceVerdict> {
  const state: SequenceState = window
    ? { high: window.seqHigh, seen: BigInt(`0x${window.seqSeen}`) }
    : FRESH_SEQUENCE;
  const observed = observeSequence(state, sequence);
  if (observed.verdict === 'next' || observed.verdict === 'late') {
    const values = { seq_high: observed.state.high, seq_seen: observed.state.seen.toString(16) };
    await trx
      .insertInto('watch_requests')
      .values({ device, ...values, two_origins_at: null })
      .onConflict((oc) => oc.column('device').doUpdateSet(values))
      .execute();
  }
  return observed.verdict;
}

/**
 * The origin signals of a request from `prefix`, after recording the sighting; `rows` are the
 * device's origins and sequence window as read with its locked row.
 */
export async function originFindings(
  trx: Trx,
  device: string,
  prefix: string,
  at: number,
  rows: Pick<RequestRows, 'origins' | 'requests'>,
): Promise<('new-origin' | 'two-origins')[]> {
  const seen = rows.origins;
  let kinds = originSignals(prefix, at, seen);
  if (kinds.includes('two-origins')) {
    // A flapping link signals once per quiet period, not on every request. (The request's
    // own sequence number, recorded before, leaves this column as it was.)
    const last = rows.requests?.twoOriginsAt;
    if (last !== null && last !== undefined && at - Number(last) < TWO_ORIGINS_QUIET_SECONDS) {
      kinds = kinds.filter((k) => k !== 'two-origins');
    } else {
      await trx
        .updateTable('watch_requests')
        .set({ two_origins_at: at })
        .where('device', '=', device)
        .execute();
    }
  }
  if (kinds.includes('new-origin')) {
    const counted = await trx
      .selectFrom('watch_signals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device', '=', device)
      .where('kind', '=', 'new-origin')
      .where('at', '>', at - SCORE_WINDOW_SECONDS)
      .executeTakeFirst();
    if (Number(counted?.n ?? 0) >= NEW_ORIGINS_COUNTED_PER_DAY)
      kinds = kinds.filter((k) => k !== 'new-origin');
  }
  await trx
    .insertInto('watch_origins')
    .values({ device, prefix, first_seen: at, last_seen: at })
    .onConflict((oc) => oc.columns(['device', 'prefix']).doUpdateSet({ last_seen: at }))
    .execute();
  return kinds;
}

export interface ReadContext {
  readonly device: string;
  readonly org: string;
  readonly user: string;
  readonly groups: readonly string[];
  readonly role: Role;
  readonly at: number;
  readonly cable: { readonly id: string; readonly seq: number; readonly acceptedAt: number };
}

/**
 * The signals of one read: a canary watching this device (strong), and for a person's device
 * a read outside working hours and a first read of old archive (weighted). A registry device
 * reads every cable as it comes, at any hour and after a night offline, so the hours and
 * archive signals are not its; its canary is one whose targets name it.
 */
export async function readFindings(trx: Trx, read: ReadContext): Promise<SignalFinding[]> {
  const findings: SignalFinding[] = [];
  const canary = await trx
    .selectFrom('watch_canaries')
    .selectAll()
    .where('cable_seq', '=', read.cable.seq)
    .executeTakeFirst();
  if (canary && canary.planted_by !== read.device && watches(canary.targets, read)) {
    findings.push({ kind: 'canary', weight: 0, detail: { cable: read.cable.id } });
    if (canary.tripped_at === null) {
      await trx
        .updateTable('watch_canaries')
        .set({ tripped_device: read.device, tripped_at: read.at })
        .where('cable', '=', canary.cable)
        .execute();
    }
  }
  const opened = await trx
    .insertInto('watch_opened')
    .values({ device: read.device, cable_seq: read.cable.seq })
    .onConflict((oc) => oc.columns(['device', 'cable_seq']).doNothing())
    .executeTakeFirst();
  if (read.role === 'registry') return findings;
  const hours = (await hoursIn(trx, read.org)) ?? DEFAULT_WORKING_HOURS;
  if (!withinWorkingHours(hours, read.at)) {
    findings.push({ kind: 'off-hours', weight: SIGNAL_WEIGHTS['off-hours'], detail: {} });
  }
  const first = Number(opened.numInsertedOrUpdatedRows ?? 0n) === 1;
  if (first && read.at - read.cable.acceptedAt > OLD_ARCHIVE_SECONDS) {
    const days = Math.floor((read.at - read.cable.acceptedAt) / 86_400);
    findings.push({ kind: 'old-archive', weight: SIGNAL_WEIGHTS['old-archive'], detail: { days } });
  }
  return findings;
}

function watches(targets: string, read: ReadContext): boolean {
  const { users, groups } = decodeJson(targets, decodeCanaryTargets);
  return users.includes(read.user) || read.groups.some((g) => groups.includes(g));
}

export interface ScoredFindings {
  /** The strongest response the findings call for, and the finding that called for it. */
  readonly response: 'none' | 'alert' | 'step-up' | 'suspend';
  readonly finding?: SignalFinding;
  readonly score: number;
}

/**
 * Records the weighted findings and scores the device's last day in its era: a strong
 * finding suspends at once; otherwise the score decides (core/watch/watch-signals.ts).
 */
export async function scoreFindings(
  trx: Trx,
  device: string,
  era: number,
  at: number,
  findings: readonly SignalFinding[],
): Promise<ScoredFindings> {
  const strong = findings.find((f) => f.kind === 'clone' || f.kind === 'canary');
  const weighted = findings.filter((f) => f.weight > 0);
  if (weighted.length > 0) {
    await trx
      .insertInto('watch_signals')
      .values(weighted.map((f) => ({ device, era, at, kind: f.kind, weight: f.weight })))
      .execute();
  }
  if (strong) return { response: 'suspend', finding: strong, score: 0 };
  if (weighted.length === 0) return { response: 'none', score: 0 };
  const row = await trx
    .selectFrom('watch_signals')
    .select((eb) => eb.fn.sum<number>('weight').as('score'))
    .where('device', '=', device)
    .where('era', '=', era)
    .where('at', '>', at - SCORE_WINDOW_SECONDS)
    .executeTakeFirst();
  const score = Number(row?.score ?? 0);
  const response = assessScore(score);
  // The finding named is the heaviest of this request's: what tipped the score.
  const finding = [...weighted].sort((a, b) => b.weight - a.weight)[0];
  return { response, score, ...(finding ? { finding } : {}) };
}

export async function hoursIn(db: Reader, org: string): Promise<WorkingHours | undefined> {
  const row = await db.selectFrom('watch_hours').select('hours').where('org', '=', org).executeTakeFirst();
  // Stored only after decoding, and decoded again on the way out.
  return row ? decodeJson(row.hours, decodeWorkingHours) : undefined;
}

/** Words for the person and the officer: what the watch saw. */
export function describeFinding(finding: SignalFinding, score: number): string {
  if (finding.kind === 'clone') {
    const how = finding.detail.verdict === 'duplicate' ? 'used twice' : 'far behind the last one';
    return `this device key is in use in two places at once: request number ${finding.detail.sequence} was ${how}`;
  }
  const words: Record<Exclude<SignalKind, 'clone'>, string> = {
    canary: 'a decoy cable planted by a security officer was opened',
    'new-origin': 'requests came from a network this device never used',
    'two-origins': 'the device was active from two networks at once',
    'off-hours': 'cables were read outside working hours',
    'old-archive': 'old cables this device never opened were read',
  };
  const what = words[finding.kind];
  return finding.kind === 'canary' ? what : `${what} (score ${score} in a day)`;
}
