/**
 * Escalation by precedence (docs/design.md §2): how long an action addressee has to
 * acknowledge a cable before its registry and the sender are told. The limits are the
 * network's (a node setting), by default FLASH 10 minutes, IMMEDIATE 1 hour, PRIORITY one
 * working day; ROUTINE never escalates, and info addressees never do.
 *
 * A working day is counted in the addressee organisation's working hours (the watch's,
 * core/watch/working-hours.ts): one working day is as much time inside those hours as one
 * of its working days holds (13 hours for the default 07:00–20:00), so a PRIORITY cable
 * accepted on Friday at 19:00 in Brussels is due on Monday at 19:00, and one accepted on
 * Monday at 10:00 on Tuesday at 10:00.
 */
import { EncodingError } from '../encoding/encoding-error.ts';
import { localClock, type WorkingHours } from '../watch/working-hours.ts';
import type { Precedence } from './precedence.ts';

export const LIMIT_UNITS = ['minutes', 'hours', 'working-days'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

export interface EscalationLimit {
  readonly amount: number;
  readonly unit: LimitUnit;
}

/** The precedences that escalate, with their limits; ROUTINE is never among them. */
export type EscalationLimits = Readonly<Partial<Record<Exclude<Precedence, 'ROUTINE'>, EscalationLimit>>>;

export const DEFAULT_ESCALATION_LIMITS: EscalationLimits = {
  FLASH: { amount: 10, unit: 'minutes' },
  IMMEDIATE: { amount: 1, unit: 'hours' },
  PRIORITY: { amount: 1, unit: 'working-days' },
};

const ESCALATING = ['PRIORITY', 'IMMEDIATE', 'FLASH'] as const;
const UNIT_SUFFIX: Readonly<Record<string, LimitUnit>> = { m: 'minutes', h: 'hours', wd: 'working-days' };
/** A limit is at most 30 days (or 30 working days): the escalation job looks no further back. */
const MAX_AMOUNT: Readonly<Record<LimitUnit, number>> = {
  minutes: 30 * 24 * 60,
  hours: 30 * 24,
  'working-days': 30,
};

/** The limit for a cable of `precedence`, or undefined when it never escalates. */
export function escalationLimit(limits: EscalationLimits, precedence: string): EscalationLimit | undefined {
  return (ESCALATING as readonly string[]).includes(precedence)
    ? limits[precedence as (typeof ESCALATING)[number]]
    : undefined;
}

/**
 * Reads `FLASH=10m,IMMEDIATE=1h,PRIORITY=1wd` (minutes, hours, working days; `off` for never).
 * A precedence not named keeps its default. Throws EncodingError naming what is wrong.
 */
export function parseEscalationLimits(text: string, field = 'VALISE_ESCALATION'): EscalationLimits {
  const limits: Record<string, EscalationLimit | undefined> = { ...DEFAULT_ESCALATION_LIMITS };
  const seen = new Set<string>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([A-Z]+)=(?:(off)|(\d{1,6})(m|h|wd))$/.exec(part);
    const precedence = match?.[1] ?? '';
    if (!match || !(ESCALATING as readonly string[]).includes(precedence) || seen.has(precedence)) {
      throw new EncodingError(
        'INVALID_VALUE',
        field,
        `${field}: expected PRECEDENCE=<n>m|<n>h|<n>wd|off for PRIORITY, IMMEDIATE or FLASH, each once (e.g. FLASH=10m,IMMEDIATE=1h,PRIORITY=1wd); got ${JSON.stringify(part)}`,
      );
    }
    seen.add(precedence);
    if (match[2] === 'off') {
      limits[precedence] = undefined;
      continue;
    }
    const unit = UNIT_SUFFIX[match[4] ?? ''] as LimitUnit;
    const amount = Number(match[3]);
    if (amount < 1 || amount > MAX_AMOUNT[unit]) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        field,
        `${field}: ${precedence}'s limit must be from 1 to ${MAX_AMOUNT[unit]} ${unit}`,
      );
    }
    limits[precedence] = { amount, unit };
  }
  return Object.freeze(
    Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
  ) as EscalationLimits;
}

/** The limit in plain words: `10 min`, `1 h`, `1 working day`. */
export function describeLimit(limit: EscalationLimit): string {
  if (limit.unit === 'minutes') return `${limit.amount} min`;
  if (limit.unit === 'hours') return `${limit.amount} h`;
  return `${limit.amount} working day${limit.amount === 1 ? '' : 's'}`;
}

/**
 * When a cable accepted at `acceptedAt` (Unix seconds) is due: `acceptedAt` plus the limit,
 * counted for working days inside `hours` (the addressee's working hours).
 */
export function dueAt(limit: EscalationLimit, acceptedAt: number, hours: WorkingHours): number {
  if (limit.unit === 'minutes') return acceptedAt + limit.amount * 60;
  if (limit.unit === 'hours') return acceptedAt + limit.amount * 3600;
  return afterWorkingTime(hours, acceptedAt, limit.amount * (hours.end - hours.start) * 60);
}

/**
 * The instant at which `seconds` of time inside `hours` have passed since `from`. It walks
 * the local days (a few steps a day, never a step per minute); each step reads the local
 * time afresh, so a daylight-saving change costs at most the hour it moves.
 */
export function afterWorkingTime(hours: WorkingHours, from: number, seconds: number): number {
  const local = localClock(hours.timeZone);
  let at = from;
  let left = seconds;
  // 30 working days fit in well under a year of days; the bound only stops a broken clock.
  for (let step = 0; step < 4000; step++) {
    const { day = 'sun', second } = local(at);
    const start = hours.start * 60;
    const end = hours.end * 60;
    if (hours.days.includes(day) && second >= start && second < end) {
      if (end - second >= left) return at + left;
      left -= end - second;
      at += end - second;
    } else if (hours.days.includes(day) && second < start) {
      at += start - second;
    } else {
      at += 86_400 - second;
    }
  }
  return at;
}
