import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  FRESH_SEQUENCE,
  observeSequence,
  SEQUENCE_WINDOW,
  type SequenceState,
  type SequenceVerdict,
} from '../../../src/core/watch/sequence-window.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);

function run(sequence: readonly number[]): SequenceVerdict[] {
  let state: SequenceState = FRESH_SEQUENCE;
  return sequence.map((n) => {
    const seen = observeSequence(state, n);
    state = seen.state;
    return seen.verdict;
  });
}

describe('clone detection by request sequence', () => {
  test('an honest device counting up is never suspected', () => {
    assert.deepEqual(run([1, 2, 3, 4]), ['next', 'next', 'next', 'next']);
  });

  test('requests overtaking each other within the window pass', () => {
    assert.deepEqual(run([1, 3, 2, 5, 4]), ['next', 'next', 'late', 'next', 'late']);
  });

  test('a number used twice means two copies of the key', () => {
    assert.deepEqual(run([1, 2, 3, 2]), ['next', 'next', 'next', 'duplicate']);
  });

  test('a number far below the highest means a copy running behind', () => {
    const honest = Array.from({ length: SEQUENCE_WINDOW + 10 }, (_, i) => i + 1);
    assert.equal(run([...honest, 5]).at(-1), 'regressed');
  });

  test('a copy taken at any point is caught at its first request once both have run', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }), // where the key file was copied
        fc.integer({ min: 1, max: 500 }), // how far the original has gone on since
        (copiedAt, originalSince) => {
          const original = Array.from({ length: copiedAt + originalSince }, (_, i) => i + 1);
          const verdicts = run([...original, copiedAt + 1]); // the copy goes on from the file
          return verdicts.at(-1) === 'duplicate' || verdicts.at(-1) === 'regressed';
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('property: any reordering within the window, without repeats, is never suspected', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 }), (count, seed) => {
        // Shuffle 1..count so that no number arrives more than WINDOW/2 places from its own.
        const numbers = Array.from({ length: count }, (_, i) => i + 1);
        let s = seed;
        for (let i = 0; i + 1 < numbers.length; i++) {
          s = (s * 1103515245 + 12345) % 2 ** 31;
          const j = Math.min(numbers.length - 1, i + (s % (SEQUENCE_WINDOW / 4)));
          [numbers[i], numbers[j]] = [numbers[j] as number, numbers[i] as number];
        }
        return run(numbers).every((v) => v === 'next' || v === 'late');
      }),
      { numRuns: RUNS },
    );
  });

  test('refuses a sequence number that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      assert.throws(() => observeSequence(FRESH_SEQUENCE, bad), RangeError);
    }
  });
});
