/**
 * Compact ranges: the roots an append-only store computes without rebuilding equal the
 * RFC 9162 §2.1.1 definition, the nodes it reports are the store's nodes, and any change
 * to the entries changes the root.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../../../src/core/encoding/bytes.ts';
import {
  appendLeafHashes,
  type CompactRange,
  compactRange,
  compactRangeIds,
  compactRangeRoot,
  emptyCompactRange,
  emptyRoot,
  leafHash,
  MerkleError,
  rootFromLeafHashes,
  type SubtreeHash,
} from '../../../../src/core/log/merkle/index.ts';
import { LEAVES, MAX_LEAVES, naiveRoot, ROOTS, STORE } from './fixtures.ts';

/** Appends LEAVES[0..size) in random batches. */
function rangeInBatches(size: number, cuts: number[]): { range: CompactRange; nodes: SubtreeHash[] } {
  const points = [...new Set(cuts.map((c) => c % (size + 1)))].sort((a, b) => a - b);
  let range = emptyCompactRange();
  const nodes: SubtreeHash[] = [];
  let from = 0;
  for (const to of [...points, size]) {
    const result = appendLeafHashes(range, LEAVES.slice(from, to));
    range = result.range;
    nodes.push(...result.nodes);
    from = Math.max(from, to);
  }
  return { range, nodes };
}

describe('compact ranges', () => {
  test('the empty range has the empty root', () => {
    assert.equal(toHex(compactRangeRoot(emptyCompactRange())), toHex(emptyRoot()));
    assert.equal(toHex(rootFromLeafHashes([])), toHex(emptyRoot()));
  });

  test('roots after appends in any batches equal the naive RFC 9162 root', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_LEAVES }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (size, cuts) => {
          const { range } = rangeInBatches(size, cuts);
          const expected = toHex(naiveRoot(LEAVES.slice(0, size)));
          assert.equal(range.size, size);
          assert.equal(toHex(compactRangeRoot(range)), expected);
          assert.equal(toHex(rootFromLeafHashes(LEAVES.slice(0, size))), expected);
          assert.equal(toHex(ROOTS[size]!), expected);
        },
      ),
      // Each run hashes the whole prefix three times: expensive, so fewer runs.
      { numRuns: 200 },
    );
  });

  test('a range keeps one hash per set bit of its size, named by compactRangeIds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_LEAVES }), (size) => {
        const { range } = rangeInBatches(size, []);
        const ids = compactRangeIds(size);
        assert.equal(range.hashes.length, size.toString(2).replace(/0/g, '').length);
        assert.deepEqual(
          range.hashes.map(toHex),
          ids.map((id) => toHex(STORE.node(id.level, id.index))),
        );
      }),
      { numRuns: 200 },
    );
  });

  test('the root of a range rebuilt from the stored nodes is the root of its size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_LEAVES }), (size) => {
        const range = compactRange(size, STORE.readNodesSync(compactRangeIds(size)));
        assert.equal(toHex(compactRangeRoot(range)), toHex(ROOTS[size]!));
      }),
      { numRuns: 1000 },
    );
  });

  test('a range rebuilt from stored hashes continues like the original', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_LEAVES - 1 }),
        fc.integer({ min: 1, max: 50 }),
        (size, more) => {
          const ids = compactRangeIds(size);
          const restored = compactRange(size, STORE.readNodesSync(ids));
          const end = Math.min(MAX_LEAVES, size + more);
          const { range } = appendLeafHashes(restored, LEAVES.slice(size, end));
          assert.equal(toHex(compactRangeRoot(range)), toHex(ROOTS[end]!));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('appends report exactly the full-subtree nodes a store persists', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 5 }), (size, cuts) => {
        const { nodes } = rangeInBatches(size, cuts);
        // Every node whose subtree lies inside [0, size): 2·size − popcount(size) of them.
        assert.equal(nodes.length, 2 * size - size.toString(2).replace(/0/g, '').length);
        for (const node of nodes) {
          assert.ok((node.index + 1) * 2 ** node.level <= size);
          assert.equal(toHex(node.hash), toHex(STORE.node(node.level, node.index)));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a range whose hashes do not match its size is refused', () => {
    const hashes = STORE.readNodesSync(compactRangeIds(5));
    for (const [size, list] of [
      [5, hashes.slice(1)],
      [4, hashes],
      [5, [hashes[0]!, new Uint8Array(31)]],
    ] as const) {
      assert.throws(
        () => compactRange(size, list),
        (e) => e instanceof MerkleError && e.code === 'INVALID_COMPACT_RANGE',
      );
    }
  });
});

describe('any change to the entries changes the root', () => {
  const entries = fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 200 });
  const rootOf = (list: Uint8Array[]): string => toHex(rootFromLeafHashes(list.map(leafHash)));
  const same = (a: Uint8Array, b: Uint8Array): boolean => toHex(a) === toHex(b);

  test('modifying one entry', () => {
    fc.assert(
      fc.property(entries, fc.nat(), fc.uint8Array({ maxLength: 12 }), (list, at, value) => {
        const i = at % list.length;
        fc.pre(!same(list[i]!, value));
        const changed = list.slice();
        changed[i] = value;
        return rootOf(changed) !== rootOf(list);
      }),
      { numRuns: 1000 },
    );
  });

  test('deleting one entry', () => {
    fc.assert(
      fc.property(entries, fc.nat(), (list, at) => {
        const changed = list.slice();
        changed.splice(at % list.length, 1);
        return rootOf(changed) !== rootOf(list);
      }),
      { numRuns: 1000 },
    );
  });

  test('inserting one entry', () => {
    fc.assert(
      fc.property(entries, fc.nat(), fc.uint8Array({ maxLength: 12 }), (list, at, value) => {
        const changed = list.slice();
        changed.splice(at % (list.length + 1), 0, value);
        return rootOf(changed) !== rootOf(list);
      }),
      { numRuns: 1000 },
    );
  });

  test('swapping two different entries', () => {
    fc.assert(
      fc.property(entries, fc.nat(), fc.nat(), (list, a, b) => {
        const [i, j] = [a % list.length, b % list.length];
        fc.pre(!same(list[i]!, list[j]!));
        const changed = list.slice();
        [changed[i], changed[j]] = [list[j]!, list[i]!];
        return rootOf(changed) !== rootOf(list);
      }),
      { numRuns: 1000 },
    );
  });

  test('truncating the log', () => {
    fc.assert(
      fc.property(entries, fc.nat(), (list, cut) => {
        return rootOf(list.slice(0, cut % list.length)) !== rootOf(list);
      }),
      { numRuns: 1000 },
    );
  });
});
