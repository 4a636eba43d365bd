/**
 * The default thresholds against the scenarios they are made for, replayed read by read as
 * the server meters them: each read is counted into its minute bucket, then assessed, and
 * served only when the answer is not `suspend`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_READ_THRESHOLDS } from '../../../src/core/watch/read-thresholds.ts';
import { replay } from './fixtures/replay.ts';

const RUNS = Math.max(20, Math.floor(Number(process.env.VALISE_PROPERTY_RUNS ?? 1000) / 20));
const MONDAY_0000 = 1_799_452_800; // a Monday, 00:00 UTC
const DAY = 86_400;

/** A seeded generator of a diplomat's working week: bursts of up to ten, office hours. */
const diplomatWeek = fc
  .array(
    fc.array(fc.record({ minute: fc.integer({ min: 0, max: 539 }), size: fc.integer({ min: 1, max: 10 }) }), {
      minLength: 8,
      maxLength: 12,
    }),
    { minLength: 5, maxLength: 5 },
  )
  .map((days) => {
    const times: number[] = [];
    days.forEach((bursts, day) => {
      // Bursts at least five minutes apart, from 09:00, each read a few seconds after the last.
      const starts = [...new Set(bursts.map((b) => Math.floor(b.minute / 5) * 5))].sort((a, b) => a - b);
      starts.forEach((minute, i) => {
        const size = bursts[i]?.size ?? 1;
        for (let r = 0; r < size; r++) times.push(MONDAY_0000 + day * DAY + 9 * 3600 + minute * 60 + r * 3);
      });
    });
    return times;
  });

describe('the watch against the 2018 scenarios (default thresholds)', () => {
  test('a stolen diplomat key read at machine speed is stopped within 30 cables and 10 seconds', () => {
    const times = Array.from({ length: 1500 }, (_, i) => MONDAY_0000 + 10 * 3600 + i * 0.02);
    const { served, first } = replay(times, DEFAULT_READ_THRESHOLDS.member);
    // The first stop is a hold (the step-up level): the device waits for an officer.
    const stop = first['step-up'] ?? first.suspend;
    assert.ok(stop, 'stopped');
    assert.ok(served <= 30, `served ${served} cables`);
    assert.ok(stop.at - (times[0] as number) <= 10, 'within 10 s of the first read');
    assert.ok(first.alert && first.alert.served < stop.served, 'officers alerted before the stop');
  });

  test('a slow thief, one cable every five minutes around the clock, is flagged within a day', () => {
    const times = Array.from({ length: 288 * 2 }, (_, i) => MONDAY_0000 + i * 300);
    const { first } = replay(times, DEFAULT_READ_THRESHOLDS.member);
    assert.ok(first.alert, 'alerted');
    assert.ok(first.alert.at - MONDAY_0000 <= DAY, `alert after ${(first.alert.at - MONDAY_0000) / 3600} h`);
  });

  test('property: a diplomat’s normal working week raises nothing', () => {
    fc.assert(
      fc.property(diplomatWeek, (times) => {
        const { first } = replay(times, DEFAULT_READ_THRESHOLDS.member);
        return Object.keys(first).every((k) => k === 'none');
      }),
      { numRuns: RUNS },
    );
  });

  test('a registry device fetching every cable of a busy ministry for a week raises nothing', () => {
    const times: number[] = [];
    for (let day = 0; day < 5; day++) {
      const morning = MONDAY_0000 + day * DAY + 7 * 3600;
      // The night's traffic caught up at once, then 250 cables through the day in bursts of 20.
      for (let i = 0; i < 50; i++) times.push(morning + i * 0.5);
      for (let burst = 0; burst < 13; burst++) {
        for (let i = 0; i < 20; i++) times.push(morning + 3600 + burst * 40 * 60 + i);
      }
    }
    const { first } = replay(times, DEFAULT_READ_THRESHOLDS.registry);
    assert.deepEqual(Object.keys(first), ['none']);
  });
});
