import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { CableHeader } from '../../../src/core/cable/cable-header.ts';
import type { SeriesItem } from '../../../src/core/cable/check-series.ts';
import { checkSeries } from '../../../src/core/cable/check-series.ts';
import { sha256 } from '../../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../../../src/core/encoding/bytes.ts';
import { T0 } from '../fixtures/network.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);

/** A chained series of `n` cables from `org` (only the fields the check reads matter). */
function series(org: string, n: number, sentAt = T0): SeriesItem[] {
  const out: SeriesItem[] = [];
  let prev: Uint8Array | undefined;
  for (let serial = 1; serial <= n; serial++) {
    const header = {
      org,
      serial,
      sentAt,
      id: toBase64url(randomBytes(16)),
      ...(prev ? { prev } : {}),
    } as unknown as CableHeader;
    const hash = sha256(randomBytes(32));
    out.push({ header, hash });
    prev = hash;
  }
  return out;
}

describe('checkSeries', () => {
  test('a complete, chained series in any order is ok', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer(), (n, seed) => {
        const items = [...series('DE', n), ...series('CY', 3)];
        const shuffled = items
          .map((x, i) => ({ x, k: (i * 7919 + seed) % 104729 }))
          .sort((a, b) => a.k - b.k);
        const report = checkSeries(shuffled.map((s) => s.x));
        assert.ok(report.ok, JSON.stringify(report));
      }),
      { numRuns: RUNS },
    );
  });

  test('a withheld cable is reported as a gap naming the missing serial', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 30 }), fc.nat(), (n, pick) => {
        const items = series('DE', n);
        const missing = 1 + (pick % (n - 1)); // never the last: a missing tail is invisible
        const report = checkSeries(items.filter((i) => i.header.serial !== missing));
        assert.equal(report.ok, false);
        assert.deepEqual(report.gaps, [{ org: 'DE', year: 2026, missing: [missing] }]);
      }),
      { numRuns: RUNS },
    );
  });

  test('two different cables with the same reference are a fork', () => {
    const items = series('DE', 4);
    const twin = {
      header: { ...items[2]!.header, id: toBase64url(randomBytes(16)) },
      hash: sha256(randomBytes(8)),
    };
    const report = checkSeries([...items, twin]);
    assert.equal(report.forks.length, 1);
    assert.equal(report.forks[0]!.reference, 'DE/3/26');
    assert.equal(report.forks[0]!.why, 'SAME_SERIAL');
  });

  test("a cable whose prev is not its predecessor's hash breaks the chain", () => {
    const items = series('DE', 4);
    const forged = { ...items[3]!, header: { ...items[3]!.header, prev: sha256(randomBytes(8)) } };
    const report = checkSeries([...items.slice(0, 3), forged]);
    assert.deepEqual(
      report.forks.map((f) => [f.reference, f.why]),
      [['DE/4/26', 'BROKEN_LINK']],
    );
  });

  test('the same cable twice is a replay, not a fork', () => {
    const items = series('DE', 3);
    const report = checkSeries([...items, items[1]!]);
    assert.deepEqual(report.replays, ['DE/2/26']);
    assert.equal(report.forks.length, 0);
  });

  test('serials restart each year', () => {
    const jan = T0 + 120 * 24 * 3600; // into 2027
    const report = checkSeries([...series('DE', 2), ...series('DE', 2, jan)]);
    assert.equal(report.gaps.length, 0);
  });
});
