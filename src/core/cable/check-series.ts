/**
 * Checks a sequence of received cables from organisations' series (docs/design.md §4): each
 * organisation numbers its cables gaplessly per year and chains each header to the hash of
 * the one before, so a recipient can tell when the server withheld a cable (gap), showed
 * two different cables in one place (fork) or sent one again (replay). Pure: it reports
 * gaps, forks and replays, it does not throw for them. Malformed input is another matter: the
 * fields it reads are decoded first, and a bad one is an EncodingError naming it
 * (`items[3].header.serial`).
 */

import { isBytes } from '../crypto/hpke/input-checks.ts';
import { constantTimeEqual } from '../encoding/bytes.ts';
import { MAX_TIME, MIN_TIME, yearOf } from '../encoding/date-time-group.ts';
import { integer } from '../encoding/decode.ts';
import { childField, EncodingError } from '../encoding/encoding-error.ts';
import { decodeCableId, decodeOrgId } from '../encoding/identifiers.ts';
import type { CableHeader } from './cable-header.ts';
import { formatReference, MAX_SERIAL } from './reference.ts';

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
const MAX_ITEMS = 1_000_000;

type Checked = Pick<CableHeader, 'org' | 'serial' | 'sentAt' | 'id' | 'prev'>;
interface CheckedItem {
  readonly header: Checked;
  readonly hash: Uint8Array;
}

const decodeSerial = integer({ min: 1, max: MAX_SERIAL });
const decodeTime = integer({ min: MIN_TIME, max: MAX_TIME });

function digest(value: unknown, field: string): Uint8Array {
  if (!isBytes(value) || value.length !== 32) {
    throw new EncodingError('WRONG_TYPE', field, `${field}: expected a 32-byte SHA-256 hash`);
  }
  return value;
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EncodingError('WRONG_TYPE', field, `${field}: expected an object`);
  }
  return value as Record<string, unknown>;
}

// Only the fields the check reads, each through its decoder (headers may be partial).
function checkItems(items: unknown): CheckedItem[] {
  if (!Array.isArray(items)) {
    throw new EncodingError('WRONG_TYPE', 'items', 'items: expected an array of { header, hash }');
  }
  if (items.length > MAX_ITEMS) {
    throw new EncodingError('TOO_LARGE', 'items', `items: more than ${MAX_ITEMS} cables`);
  }
  const out: CheckedItem[] = [];
  for (let i = 0; i < items.length; i++) {
    const f = childField('items', i);
    const item = objectAt(items[i], f);
    const hf = childField(f, 'header');
    const h = objectAt(item.header, hf);
    const prev = h.prev === undefined ? undefined : digest(h.prev, childField(hf, 'prev'));
    const header: Checked = {
      org: decodeOrgId(h.org, childField(hf, 'org')),
      serial: decodeSerial(h.serial, childField(hf, 'serial')),
      sentAt: decodeTime(h.sentAt, childField(hf, 'sentAt')),
      id: decodeCableId(h.id, childField(hf, 'id')),
      ...(prev ? { prev } : {}),
    };
    out.push({ header, hash: digest(item.hash, childField(f, 'hash')) });
  }
  return out;
}

export function checkSeries(items: readonly SeriesItem[]): SeriesReport {
  const gaps: SeriesGap[] = [];
  const forks: SeriesFork[] = [];
  const replays: string[] = [];
  // org → year → serial → distinct items at that place
  const places = new Map<string, Map<number, Map<number, CheckedItem[]>>>();
  for (const item of checkItems(items)) {
    const { org, serial } = item.header;
    const year = yearOf(item.header.sentAt);
    const years = places.get(org) ?? new Map<number, Map<number, CheckedItem[]>>();
    places.set(org, years);
    const serials = years.get(year) ?? new Map<number, CheckedItem[]>();
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
      const sorted = [...serials].sort(([a], [b]) => a - b);
      const numbers = sorted.map(([n]) => n);
      const highest = numbers.at(-1) ?? 0;
      const missing: number[] = [];
      // Serials start at 1 each year; everything below the highest seen must be there.
      for (let n = 1, i = 0; n <= highest && missing.length < MAX_LISTED; n++) {
        if (numbers[i] === n) i++;
        else missing.push(n);
      }
      if (missing.length > 0) gaps.push({ org, year, missing });
      // Adjacent serials must be chained: n's prev is the hash of n-1.
      for (const [n, here] of sorted) {
        const before = serials.get(n - 1);
        if (!before || here.length > 1 || before.length > 1) continue;
        const [cable] = here;
        const [prior] = before;
        if (!cable || !prior) continue;
        const prev = cable.header.prev;
        if (!prev || !constantTimeEqual(prev, prior.hash)) {
          forks.push({
            reference: formatReference({ org, serial: n, year }),
            ids: [prior.header.id, cable.header.id],
            why: 'BROKEN_LINK',
          });
        }
      }
    }
  }
  return { ok: gaps.length === 0 && forks.length === 0 && replays.length === 0, gaps, forks, replays };
}
