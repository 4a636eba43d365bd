/**
 * The frozen RFC 6962 / RFC 9162 vectors of test/vectors/merkle-rfc9162.json (from the
 * transparency-dev/merkle test suite): roots, proofs and stored-node plans of the 8-leaf
 * RFC 6962 tree, and the Go suite's own corruptions of them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toHex } from '../../../../src/core/encoding/bytes.ts';
import {
  consistencyProofFromLeafHashes,
  emptyRoot,
  inclusionProofFromLeafHashes,
  leafHash,
  MemoryHashStore,
  MerkleError,
  type NodePlan,
  planConsistencyProof,
  planInclusionProof,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../../src/core/log/merkle/index.ts';
import { b64, hex, hexes, vectors } from './fixtures.ts';

const tree = vectors.rfc6962Tree;
const leaves = tree.leavesHex.map((entry) => leafHash(hex(entry)));
const roots = tree.rootsBySize.hashes.map(hex);
const store = new MemoryHashStore();
store.appendAll(leaves);
const root = (size: number): Uint8Array => roots[size - 1]!;

const someHash = hex('abacaba000000000000000000000000000000000000000000060061e00123456');

function planShape(plan: NodePlan): { ids: number[][]; rehash: number[] | null } {
  const rehash = plan.rehashEnd - plan.rehashBegin > 1 ? [plan.rehashBegin, plan.rehashEnd] : null;
  return { ids: plan.ids.map((id) => [id.level, id.index]), rehash };
}

describe('RFC 6962 8-leaf tree', () => {
  test('the root of every prefix matches the vectors', () => {
    for (let size = 1; size <= leaves.length; size++) {
      assert.equal(toHex(rootFromLeafHashes(leaves.slice(0, size))), tree.rootsBySize.hashes[size - 1]);
      assert.equal(toHex(store.root(size)), tree.rootsBySize.hashes[size - 1]);
    }
    assert.equal(toHex(store.root(0)), toHex(emptyRoot()));
  });

  for (const v of tree.inclusionProofs) {
    test(`inclusion proof of leaf ${v.index} in size ${v.treeSize} is generated and verifies`, () => {
      assert.deepEqual(hexes(store.inclusionProof(v.index, v.treeSize)), v.proof);
      assert.deepEqual(hexes(inclusionProofFromLeafHashes(leaves, v.index, v.treeSize)), v.proof);
      assert.equal(
        verifyInclusion(leaves[v.index]!, v.index, v.treeSize, v.proof.map(hex), root(v.treeSize)),
        true,
      );
    });

    test(`the Go suite's corruptions of leaf ${v.index} in size ${v.treeSize} fail`, () => {
      const proof = v.proof.map(hex);
      const leaf = leaves[v.index]!;
      const r = root(v.treeSize);
      const probes: [string, boolean][] = [
        ['index - 1', verifyInclusion(leaf, v.index - 1, v.treeSize, proof, r)],
        ['index + 1', verifyInclusion(leaf, v.index + 1, v.treeSize, proof, r)],
        ['index ^ 2', verifyInclusion(leaf, v.index ^ 2, v.treeSize, proof, r)],
        ['size * 2', verifyInclusion(leaf, v.index, v.treeSize * 2, proof, r)],
        ['size / 2', verifyInclusion(leaf, v.index, Math.floor(v.treeSize / 2), proof, r)],
        ['wrong leaf', verifyInclusion(someHash, v.index, v.treeSize, proof, r)],
        ['empty root', verifyInclusion(leaf, v.index, v.treeSize, proof, emptyRoot())],
        ['random root', verifyInclusion(leaf, v.index, v.treeSize, proof, someHash)],
        ['trailing garbage', verifyInclusion(leaf, v.index, v.treeSize, [...proof, new Uint8Array(0)], r)],
        ['trailing root', verifyInclusion(leaf, v.index, v.treeSize, [...proof, r], r)],
        ['preceding garbage', verifyInclusion(leaf, v.index, v.treeSize, [new Uint8Array(0), ...proof], r)],
        ['preceding root', verifyInclusion(leaf, v.index, v.treeSize, [r, ...proof], r)],
      ];
      proof.forEach((_, i) => {
        const wrong = proof.slice();
        wrong[i] = wrong[i]!.slice();
        wrong[i]![0] = wrong[i]![0]! ^ 8;
        probes.push([`modified proof[${i}] bit 3`, verifyInclusion(leaf, v.index, v.treeSize, wrong, r)]);
      });
      if (proof.length > 0)
        probes.push(['removed component', verifyInclusion(leaf, v.index, v.treeSize, proof.slice(0, -1), r)]);
      if (proof.length > 1) {
        const inserted = [proof[0]!, someHash, ...proof.slice(1)];
        probes.push(['inserted component', verifyInclusion(leaf, v.index, v.treeSize, inserted, r)]);
      }
      assert.deepEqual(
        probes.filter(([, ok]) => ok).map(([name]) => name),
        [],
      );
    });
  }

  for (const v of tree.consistencyProofs) {
    test(`consistency proof from ${v.size1} to ${v.size2} is generated and verifies`, () => {
      assert.deepEqual(hexes(store.consistencyProof(v.size1, v.size2)), v.proof);
      assert.deepEqual(hexes(consistencyProofFromLeafHashes(leaves, v.size1, v.size2)), v.proof);
      assert.equal(verifyConsistency(v.size1, v.size2, v.proof.map(hex), root(v.size1), root(v.size2)), true);
    });

    if (v.proof.length > 0) {
      test(`the Go suite's corruptions of the proof from ${v.size1} to ${v.size2} fail`, () => {
        const proof = v.proof.map(hex);
        const [r1, r2] = [root(v.size1), root(v.size2)];
        const check = (s1: number, s2: number, p: Uint8Array[], a: Uint8Array, b: Uint8Array) =>
          verifyConsistency(s1, s2, p, a, b);
        const probes: [string, boolean][] = [
          ['size1 - 1', check(v.size1 - 1, v.size2, proof, r1, r2)],
          ['size1 + 1', check(v.size1 + 1, v.size2, proof, r1, r2)],
          ['size1 ^ 2', check(v.size1 ^ 2, v.size2, proof, r1, r2)],
          ['size2 * 2', check(v.size1, v.size2 * 2, proof, r1, r2)],
          ['size2 / 2', check(v.size1, Math.floor(v.size2 / 2), proof, r1, r2)],
          ['wrong root1', check(v.size1, v.size2, proof, someHash, r2)],
          ['wrong root2', check(v.size1, v.size2, proof, r1, someHash)],
          ['swapped roots', check(v.size1, v.size2, proof, r2, r1)],
          ['empty proof', check(v.size1, v.size2, [], r1, r2)],
          ['trailing garbage', check(v.size1, v.size2, [...proof, new Uint8Array(0)], r1, r2)],
          ['trailing root1', check(v.size1, v.size2, [...proof, r1], r1, r2)],
          ['trailing root2', check(v.size1, v.size2, [...proof, r2], r1, r2)],
          ['preceding garbage', check(v.size1, v.size2, [new Uint8Array(0), ...proof], r1, r2)],
          ['preceding root1', check(v.size1, v.size2, [r1, ...proof], r1, r2)],
          ['preceding root2', check(v.size1, v.size2, [r2, ...proof], r1, r2)],
          ['preceding proof[0]', check(v.size1, v.size2, [proof[0]!, ...proof], r1, r2)],
          ['truncated proof', check(v.size1, v.size2, proof.slice(0, -1), r1, r2)],
        ];
        proof.forEach((_, i) => {
          const wrong = proof.slice();
          wrong[i] = wrong[i]!.slice();
          wrong[i]![0] = wrong[i]![0]! ^ 16;
          probes.push([`modified proof[${i}] bit 4`, check(v.size1, v.size2, wrong, r1, r2)]);
        });
        assert.deepEqual(
          probes.filter(([, ok]) => ok).map(([name]) => name),
          [],
        );
      });
    }
  }
});

describe('transparency-dev testdata files', () => {
  for (const v of vectors.testdata.inclusion) {
    test(`inclusion ${v.source.path} ${v.wantErr ? 'fails' : 'verifies'}`, () => {
      const ok = verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, v.proof.map(b64), b64(v.root));
      assert.equal(ok, !v.wantErr);
    });
  }
  for (const v of vectors.testdata.consistency) {
    test(`consistency ${v.source.path} ${v.wantErr ? 'fails' : 'verifies'}`, () => {
      const ok = verifyConsistency(v.size1, v.size2, v.proof.map(b64), b64(v.root1), b64(v.root2));
      assert.equal(ok, !v.wantErr);
    });
  }
});

describe('stored-node plans (transparency-dev proof/proof_test.go)', () => {
  for (const v of vectors.proofNodes.inclusion) {
    test(`inclusion of leaf ${v.index} in size ${v.size} reads the expected nodes`, () => {
      assert.deepEqual(planShape(planInclusionProof(v.index, v.size)), { ids: v.ids, rehash: v.rehash });
    });
  }
  for (const v of vectors.proofNodes.inclusionErrors) {
    test(`inclusion of leaf ${v.index} in size ${v.size} is refused`, () => {
      assert.throws(() => planInclusionProof(v.index, v.size), MerkleError);
    });
  }
  for (const v of vectors.proofNodes.consistency) {
    test(`consistency from ${v.size1} to ${v.size2} reads the expected nodes`, () => {
      assert.deepEqual(planShape(planConsistencyProof(v.size1, v.size2)), { ids: v.ids, rehash: v.rehash });
    });
  }
  for (const v of vectors.proofNodes.consistencyErrors) {
    test(`consistency from ${v.size1} to ${v.size2} is refused`, () => {
      assert.throws(() => planConsistencyProof(v.size1, v.size2), MerkleError);
    });
  }
});

describe('edge cases of RFC 9162 §2.1.4', () => {
  const r = roots[0]!;
  test('equal sizes are consistent with an empty proof and equal roots only', () => {
    assert.equal(verifyConsistency(1, 1, [], r, r), true);
    assert.equal(verifyConsistency(1, 1, [], r, roots[1]!), false);
    assert.equal(verifyConsistency(1, 1, [emptyRoot()], r, r), false);
  });
  test('a proof from size 0 is refused, even the empty one', () => {
    assert.equal(verifyConsistency(0, 0, [], emptyRoot(), emptyRoot()), false);
    assert.equal(verifyConsistency(0, 1, [], emptyRoot(), r), false);
  });
  test('a proof to a smaller tree is refused', () => {
    assert.equal(verifyConsistency(2, 1, [], roots[1]!, r), false);
  });
  test('an inclusion proof in the empty tree or past its end is refused', () => {
    for (const [index, size] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 1],
    ] as const) {
      assert.equal(verifyInclusion(someHash, index, size, [], emptyRoot()), false);
    }
    assert.equal(verifyInclusion(r, 0, 1, [], r), true);
  });
  test('the tree size is bound by the signed checkpoint, not by the proof', () => {
    // RFC 9162 §2.1.3.2 checks a proof against a (size, root) pair taken from one signed tree
    // head: the proof of leaf 0 in the 3-leaf tree also fits a claimed 4-leaf tree with the
    // same root, so callers must never mix a size and a root from different checkpoints.
    const proof = store.inclusionProof(0, 3);
    assert.equal(verifyInclusion(leaves[0]!, 0, 4, proof, root(3)), true);
    assert.equal(verifyInclusion(leaves[0]!, 0, 4, proof, root(4)), false);
  });
});
