/**
 * Checks a sequence of received cables from organisations' series (DESIGN §4): each
 * organisation numbers its cables gaplessly per year and chains each header to the hash of
 * the one before, so a recipient can tell when the server withheld a cable (gap), showed
 * two different cables in one place (fork) or sent one again (replay). Pure: it reports,
 * it does not throw.
 */
import { constantTimeEqual } from './bytes.ts';
import type { CableHeader } from './cable-header.ts';
import { yearOf } from './date-time-group.ts';
import { formatReference } from './reference.ts';

export interface SeriesItem {
  readonly header: CableHeader;
  /** The cable's hash (`cableHash(header, signature)`), what its successor names as prev. */
  readonly hash: Uint8Array;
}

export interface SeriesGap {
  readonly org: string;
  readonly year: number;
  /** The missing serials, first to last (at most the first 1,000 are listed). */
  readonly missing: readonly number[];
}

export interface SeriesFork {
  readonly reference: string;
  /** The distinct cable ids seen at this reference, or at the two ends of a broken link. */
  readonly ids: readonly string[];
  readonly why: 'SAME_SERIAL' | 'BROKEN_LINK';
}

export interface SeriesReport {
  readonly ok: boolean;
  readonly gaps: readonly SeriesGap[];
  readonly forks: readonly SeriesFork[];
  /** References received more than once with identical content. */
  readonly replays: readonly string[];
}

const MAX_LISTED = 1000;

export function checkSeries(items: readonly SeriesItem[]): SeriesReport {
  const gaps: SeriesGap[] = [];
  const forks: SeriesFork[] = [];
  const replays: string[] = [];
  // org → year → serial → distinct items at that place
  const places = new Map<string, Map<number, Map<number, SeriesItem[]>>>();
  for (const item of items) {
    const { org, serial } = item.header;
    const year = yearOf(item.header.sentAt);
    const years = places.get(org) ?? new Map<number, Map<number, SeriesItem[]>>();
    places.set(org, years);
    const serials = years.get(year) ?? new Map<number, SeriesItem[]>();
    years.set(year, serials);
    const seen = serials.get(serial) ?? [];
    serials.set(serial, seen);
    const reference = formatReference({ org, serial, year });
    if (seen.some((s) => constantTimeEqual(s.hash, item.hash))) {
      if (!replays.includes(reference)) replays.push(reference);
      continue;
    }
    seen.push(item);
    if (seen.length === 2) forks.push({ reference, ids: seen.map((s) => s.header.id), why: 'SAME_SERIAL' });
  }

  for (const [org, years] of places) {
    for (const [year, serials] of years) {
      const numbers = [...serials.keys()].sort((a, b) => a - b);
      const missing: number[] = [];
      // Serials start at 1 each year; everything below the highest seen must be there.
      for (let n = 1, i = 0; n <= numbers[numbers.length - 1]! && missing.length < MAX_LISTED; n++) {
        if (numbers[i] === n) i++;
        else missing.push(n);
      }
      if (missing.length > 0) gaps.push({ org, year, missing });
      // Adjacent serials must be chained: n's prev is the hash of n-1.
      for (const n of numbers) {
        const here = serials.get(n)!;
        const before = serials.get(n - 1);
        if (!before || here.length > 1 || before.length > 1) continue;
        const prev = here[0]!.header.prev;
        if (!prev || !constantTimeEqual(prev, before[0]!.hash)) {
          forks.push({
            reference: formatReference({ org, serial: n, year }),
            ids: [before[0]!.header.id, here[0]!.header.id],
            why: 'BROKEN_LINK',
          });
        }
      }
    }
  }
  return { ok: gaps.length === 0 && forks.length === 0 && replays.length === 0, gaps, forks, replays };
}
