import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketStart, windowTotals } from '../../../src/core/watch/read-windows.ts';

const T = 1_800_000_000; // a minute boundary: T % 60 === 0

describe('read windows', () => {
  test('a bucket starts on the minute', () => {
    assert.equal(bucketStart(T + 59), T);
    assert.equal(bucketStart(T), T);
    assert.throws(() => bucketStart(-1), RangeError);
    assert.throws(() => bucketStart(1.5), RangeError);
  });

  test('reads of the current minute count in every window', () => {
    const totals = windowTotals([{ start: T, reads: 7 }], T + 30);
    assert.deepEqual(totals, { minute: 7, '10 minutes': 7, hour: 7, day: 7 });
  });

  test('a burst straddling a minute boundary is counted, not split', () => {
    // 19 reads in the last second of one minute and 19 in the first second of the next.
    const totals = windowTotals(
      [
        { start: T, reads: 19 },
        { start: T + 60, reads: 19 },
      ],
      T + 61,
    );
    assert.ok(totals.minute > 37, `minute window holds ${totals.minute}`);
    assert.equal(totals.hour, 38);
  });

  test('reads older than a window leave it', () => {
    const buckets = [{ start: T, reads: 5 }];
    assert.equal(windowTotals(buckets, T + 120).minute, 0);
    assert.equal(windowTotals(buckets, T + 120)['10 minutes'], 5);
    assert.equal(windowTotals(buckets, T + 3600 + 60).hour, 0);
    assert.equal(windowTotals(buckets, T + 86_400 + 60).day, 0);
  });

  test('buckets from the future count in full (a clock stepped back loses nothing)', () => {
    assert.equal(windowTotals([{ start: T + 600, reads: 3 }], T).minute, 3);
  });
});
