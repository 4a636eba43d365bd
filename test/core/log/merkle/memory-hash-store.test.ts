/**
 * The HashReader contract, as MemoryHashStore implements it and the SQL store must: proofs
 * and roots read through the async reader equal the synchronous ones, in O(log n) reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../../../src/core/encoding/bytes.ts';
import {
  consistencyProof,
  type HashReader,
  inclusionProof,
  MemoryHashStore,
  MerkleError,
  type NodeId,
  treeRoot,
} from '../../../../src/core/log/merkle/index.ts';
import { hexes, LEAVES, MAX_LEAVES, ROOTS, STORE } from './fixtures.ts';

/** Counts reads, to check proofs need one batch of O(log n) nodes. */
function countingReader(inner: HashReader): HashReader & { batches: number; nodes: number } {
  const reader = {
    batches: 0,
    nodes: 0,
    readNodes(ids: readonly NodeId[]) {
      reader.batches++;
      reader.nodes += ids.length;
      return inner.readNodes(ids);
    },
  };
  return reader;
}

const isCode = (code: string) => (e: unknown) => e instanceof MerkleError && e.code === code;

describe('MemoryHashStore as a HashReader', () => {
  test('async proofs and roots equal the synchronous ones, in one batch of at most 2·log2(n) + 2 nodes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: MAX_LEAVES }), fc.nat(), fc.nat(), async (size, a, b) => {
        const index = a % size;
        const older = 1 + (b % size);
        const bound = 2 * Math.ceil(Math.log2(size + 1)) + 2;
        const reader = countingReader(STORE);
        assert.deepEqual(
          hexes(await inclusionProof(reader, index, size)),
          hexes(STORE.inclusionProof(index, size)),
        );
        assert.ok(reader.batches <= 1 && reader.nodes <= bound);
        const consistency = countingReader(STORE);
        assert.deepEqual(
          hexes(await consistencyProof(consistency, older, size)),
          hexes(STORE.consistencyProof(older, size)),
        );
        assert.ok(consistency.batches <= 1 && consistency.nodes <= bound);
        assert.equal(toHex(await treeRoot(STORE, size)), toHex(ROOTS[size]!));
      }),
      { numRuns: 1000 },
    );
  });

  test('a node the store does not hold is NODE_UNAVAILABLE', async () => {
    const store = new MemoryHashStore();
    store.appendAll(LEAVES.slice(0, 5));
    assert.throws(() => store.node(0, 5), isCode('NODE_UNAVAILABLE'));
    assert.throws(() => store.node(1, 2), isCode('NODE_UNAVAILABLE'));
    assert.throws(() => store.node(3, 0), isCode('NODE_UNAVAILABLE'));
    await assert.rejects(inclusionProof(store, 0, 6), isCode('NODE_UNAVAILABLE'));
    assert.throws(() => store.inclusionProof(0, 6), isCode('INVALID_SIZE'));
  });

  test('a reader that fails or answers short is NODE_UNAVAILABLE, keeping the cause', async () => {
    const failing: HashReader = { readNodes: () => Promise.reject(new Error('disk on fire')) };
    await assert.rejects(
      inclusionProof(failing, 3, 10),
      (e) => isCode('NODE_UNAVAILABLE')(e) && (e as Error).cause instanceof Error,
    );
    const short: HashReader = { readNodes: async (ids) => STORE.readNodesSync(ids).slice(1) };
    await assert.rejects(inclusionProof(short, 3, 10), isCode('NODE_UNAVAILABLE'));
    const wrong: HashReader = { readNodes: async (ids) => ids.map(() => new Uint8Array(31)) };
    await assert.rejects(consistencyProof(wrong, 3, 10), isCode('NODE_UNAVAILABLE'));
  });
});
