/**
 * Proof plans for trees far larger than memory (sizes up to 2^53 − 1, where JavaScript's
 * 32-bit bitwise operators would wrap): the stored nodes a plan names cover exactly the
 * leaf ranges of the RFC 9162 PATH and SUBPROOF definitions, computed here on ranges alone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type NodePlan,
  planConsistencyProof,
  planInclusionProof,
} from '../../../../src/core/log/merkle/index.ts';

type Range = [number, number];

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]) as the leaf ranges of its hashes. */
function pathRanges(m: number, lo: number, hi: number): Range[] {
  const n = hi - lo;
  if (n === 1) return [];
  const k = largestPowerOfTwoBelow(n);
  if (m < k) return [...pathRanges(m, lo, lo + k), [lo + k, hi]];
  return [...pathRanges(m - k, lo + k, hi), [lo, lo + k]];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b) as the leaf ranges of its hashes. */
function subproofRanges(m: number, lo: number, hi: number, b: boolean): Range[] {
  const n = hi - lo;
  if (m === n) return b ? [] : [[lo, hi]];
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) return [...subproofRanges(m, lo, lo + k, b), [lo + k, hi]];
  return [...subproofRanges(m - k, lo + k, hi, false), [lo, lo + k]];
}

/** The leaf ranges a plan's hashes cover once its rehash range is folded. */
function planRanges(plan: NodePlan): Range[] {
  const ranges = plan.ids.map((id): Range => [id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level]);
  if (plan.rehashEnd - plan.rehashBegin <= 1) return ranges;
  const folded = ranges.slice(plan.rehashBegin, plan.rehashEnd);
  // Listed from the rightmost part leftwards: contiguous, ending where the first one ends.
  for (let i = 1; i < folded.length; i++) assert.equal(folded[i]![1], folded[i - 1]![0]);
  const merged: Range = [folded[folded.length - 1]![0], folded[0]![1]];
  return [...ranges.slice(0, plan.rehashBegin), merged, ...ranges.slice(plan.rehashEnd)];
}

const hugeSize = fc.oneof(
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: 0, max: 52 }).map((bits) => 2 ** bits),
  fc.integer({ min: 1, max: 52 }).map((bits) => 2 ** bits - 1),
  fc.integer({ min: 1, max: 52 }).map((bits) => 2 ** bits + 1),
);

describe('proof plans for huge trees', () => {
  test('inclusion plans cover the ranges of RFC 9162 PATH', () => {
    fc.assert(
      fc.property(hugeSize, fc.double({ min: 0, max: 1, noNaN: true }), (size, at) => {
        const index = Math.min(size - 1, Math.floor(at * size));
        assert.deepEqual(planRanges(planInclusionProof(index, size)), pathRanges(index, 0, size));
      }),
      { numRuns: 2000 },
    );
  });

  test('consistency plans cover the ranges of RFC 9162 SUBPROOF', () => {
    fc.assert(
      fc.property(hugeSize, fc.double({ min: 0, max: 1, noNaN: true }), (size2, at) => {
        const size1 = Math.max(1, Math.min(size2, Math.ceil(at * size2)));
        assert.deepEqual(
          planRanges(planConsistencyProof(size1, size2)),
          subproofRanges(size1, 0, size2, true),
        );
      }),
      { numRuns: 2000 },
    );
  });

  test('every node a plan names is complete in the tree', () => {
    fc.assert(
      fc.property(hugeSize, hugeSize, (a, b) => {
        const [size1, size2] = a <= b ? [a, b] : [b, a];
        for (const plan of [planInclusionProof(size2 - 1, size2), planConsistencyProof(size1, size2)]) {
          for (const id of plan.ids) assert.ok((id.index + 1) * 2 ** id.level <= size2);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
