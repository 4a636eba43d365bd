/**
 * Properties of inclusion and consistency proofs over every prefix of a 2000-leaf log:
 * every honest proof verifies, the stored-node proofs equal the RFC 9162 definitions, and
 * any alteration of a proof, a size, an index or a root is refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  consistencyProofFromLeafHashes,
  inclusionProofFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../../src/core/log/merkle/index.ts';
import { flipBit, hexes, LEAVES, MAX_LEAVES, ROOTS, STORE } from './fixtures.ts';

const RUNS = 1000;

/** A tree size in 1..2000 and a leaf index in it. */
const sizeAndIndex = fc
  .integer({ min: 1, max: MAX_LEAVES })
  .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));

/** Two tree sizes 1 <= size1 <= size2 <= 2000. */
const sizePair = fc
  .integer({ min: 1, max: MAX_LEAVES })
  .chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));

const root = (size: number): Uint8Array => ROOTS[size]!;

describe('inclusion proofs', () => {
  test('every inclusion proof of every leaf verifies', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const proof = STORE.inclusionProof(index, size);
        return verifyInclusion(LEAVES[index]!, index, size, proof, root(size));
      }),
      { numRuns: RUNS },
    );
  });

  test('stored-node inclusion proofs equal the RFC 9162 §2.1.3.1 PATH definition', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        assert.deepEqual(
          hexes(STORE.inclusionProof(index, size)),
          hexes(inclusionProofFromLeafHashes(LEAVES, index, size)),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('a proof with one flipped bit fails', () => {
    fc.assert(
      fc.property(
        sizeAndIndex.filter(([size]) => size > 1),
        fc.nat(),
        fc.nat(255),
        ([size, index], at, bit) => {
          const proof = STORE.inclusionProof(index, size);
          const i = at % proof.length;
          proof[i] = flipBit(proof[i]!, bit);
          return !verifyInclusion(LEAVES[index]!, index, size, proof, root(size));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a proof with a dropped node fails', () => {
    fc.assert(
      fc.property(
        sizeAndIndex.filter(([size]) => size > 1),
        fc.nat(),
        ([size, index], at) => {
          const proof = STORE.inclusionProof(index, size);
          proof.splice(at % proof.length, 1);
          return !verifyInclusion(LEAVES[index]!, index, size, proof, root(size));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a proof with an extra node anywhere fails', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(MAX_LEAVES - 1), ([size, index], at, extra) => {
        const proof = STORE.inclusionProof(index, size);
        proof.splice(at % (proof.length + 1), 0, LEAVES[extra]!);
        return !verifyInclusion(LEAVES[index]!, index, size, proof, root(size));
      }),
      { numRuns: RUNS },
    );
  });

  test('a proof with two nodes swapped fails', () => {
    fc.assert(
      fc.property(
        sizeAndIndex.filter(([size]) => size > 2),
        fc.nat(),
        fc.nat(),
        ([size, index], a, b) => {
          const proof = STORE.inclusionProof(index, size);
          fc.pre(proof.length > 1);
          const i = a % proof.length;
          const j = (i + 1 + (b % (proof.length - 1))) % proof.length;
          [proof[i], proof[j]] = [proof[j]!, proof[i]!];
          return !verifyInclusion(LEAVES[index]!, index, size, proof, root(size));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a proof checked against another tree size and its root fails', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.integer({ min: 1, max: MAX_LEAVES }), ([size, index], other) => {
        fc.pre(other !== size && index < other);
        const proof = STORE.inclusionProof(index, size);
        return !verifyInclusion(LEAVES[index]!, index, other, proof, root(other));
      }),
      { numRuns: RUNS },
    );
  });

  test('a proof checked at another index fails, with either leaf', () => {
    fc.assert(
      fc.property(
        sizeAndIndex.filter(([size]) => size > 1),
        fc.nat(),
        ([size, index], shift) => {
          const other = (index + 1 + (shift % (size - 1))) % size;
          const proof = STORE.inclusionProof(index, size);
          return (
            !verifyInclusion(LEAVES[index]!, other, size, proof, root(size)) &&
            !verifyInclusion(LEAVES[other]!, other, size, proof, root(size))
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a proof of one leaf does not prove another leaf at the same index', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(MAX_LEAVES - 1), ([size, index], other) => {
        fc.pre(other !== index);
        return !verifyInclusion(LEAVES[other]!, index, size, STORE.inclusionProof(index, size), root(size));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('consistency proofs', () => {
  test('every consistency proof between two sizes verifies', () => {
    fc.assert(
      fc.property(sizePair, ([size1, size2]) => {
        const proof = STORE.consistencyProof(size1, size2);
        return verifyConsistency(size1, size2, proof, root(size1), root(size2));
      }),
      { numRuns: RUNS },
    );
  });

  test('stored-node consistency proofs equal the RFC 9162 §2.1.4.1 PROOF definition', () => {
    fc.assert(
      fc.property(sizePair, ([size1, size2]) => {
        assert.deepEqual(
          hexes(STORE.consistencyProof(size1, size2)),
          hexes(consistencyProofFromLeafHashes(LEAVES, size1, size2)),
        );
      }),
      { numRuns: 300 },
    );
  });

  const growing = sizePair.filter(([size1, size2]) => size1 < size2);

  test('a proof with one flipped bit fails', () => {
    fc.assert(
      fc.property(growing, fc.nat(), fc.nat(255), ([size1, size2], at, bit) => {
        const proof = STORE.consistencyProof(size1, size2);
        const i = at % proof.length;
        proof[i] = flipBit(proof[i]!, bit);
        return !verifyConsistency(size1, size2, proof, root(size1), root(size2));
      }),
      { numRuns: RUNS },
    );
  });

  test('a proof with a dropped node fails', () => {
    fc.assert(
      fc.property(growing, fc.nat(), ([size1, size2], at) => {
        const proof = STORE.consistencyProof(size1, size2);
        proof.splice(at % proof.length, 1);
        return !verifyConsistency(size1, size2, proof, root(size1), root(size2));
      }),
      { numRuns: RUNS },
    );
  });

  test('a proof with an extra node anywhere fails, equal sizes included', () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), fc.nat(MAX_LEAVES - 1), ([size1, size2], at, extra) => {
        const proof = STORE.consistencyProof(size1, size2);
        proof.splice(at % (proof.length + 1), 0, LEAVES[extra]!);
        return !verifyConsistency(size1, size2, proof, root(size1), root(size2));
      }),
      { numRuns: RUNS },
    );
  });

  test('a proof with two nodes swapped fails', () => {
    fc.assert(
      fc.property(growing, fc.nat(), fc.nat(), ([size1, size2], a, b) => {
        const proof = STORE.consistencyProof(size1, size2);
        fc.pre(proof.length > 1);
        const i = a % proof.length;
        const j = (i + 1 + (b % (proof.length - 1))) % proof.length;
        [proof[i], proof[j]] = [proof[j]!, proof[i]!];
        return !verifyConsistency(size1, size2, proof, root(size1), root(size2));
      }),
      { numRuns: RUNS },
    );
  });

  test('a proof checked against other sizes and their roots fails', () => {
    fc.assert(
      fc.property(growing, sizePair, ([size1, size2], [other1, other2]) => {
        fc.pre(other1 !== size1 || other2 !== size2);
        fc.pre(other1 !== other2);
        const proof = STORE.consistencyProof(size1, size2);
        return !verifyConsistency(other1, other2, proof, root(other1), root(other2));
      }),
      { numRuns: RUNS },
    );
  });

  test('a proof checked against a wrong or swapped root fails', () => {
    fc.assert(
      fc.property(growing, fc.integer({ min: 0, max: MAX_LEAVES }), ([size1, size2], other) => {
        const proof = STORE.consistencyProof(size1, size2);
        const [r1, r2] = [root(size1), root(size2)];
        return (
          !verifyConsistency(size1, size2, proof, r2, r1) &&
          (other === size1 || !verifyConsistency(size1, size2, proof, root(other), r2)) &&
          (other === size2 || !verifyConsistency(size1, size2, proof, r1, root(other)))
        );
      }),
      { numRuns: RUNS },
    );
  });
});
