/**
 * Date-time groups, the way cables have been dated for a century: `281639Z NOV 26`
 * (day, hour, minute, zone Z for UTC, month, two-digit year). The header stores Unix
 * seconds; the DTG is its rendering for people. An instant outside the range a header may
 * carry (its two-digit year would be ambiguous) is an EncodingError.
 */
import { EncodingError } from './encoding-error.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

/** Earliest and latest instants a header may carry (2000-01-01 .. 2099-12-31, UTC). */
export const MIN_TIME = 946_684_800;
export const MAX_TIME = 4_102_444_799;

export function formatDateTimeGroup(unixSeconds: number): string {
  const d = dateOf(unixSeconds);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}Z ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCFullYear() % 100)}`;
}

export function yearOf(unixSeconds: number): number {
  return dateOf(unixSeconds).getUTCFullYear();
}

function dateOf(unixSeconds: unknown): Date {
  if (typeof unixSeconds !== 'number' || !(unixSeconds >= MIN_TIME && unixSeconds <= MAX_TIME)) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      'unixSeconds',
      `unixSeconds: expected an instant from ${MIN_TIME} to ${MAX_TIME} (2000 to 2099), got ${typeof unixSeconds === 'number' ? unixSeconds : typeof unixSeconds}`,
    );
  }
  return new Date(unixSeconds * 1000);
}
