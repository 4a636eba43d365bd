/**
 * Inclusion and consistency proofs computed from the leaf hashes themselves, transcribing
 * the recursive definitions of RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (PROOF, SUBPROOF).
 * O(n) hashing per proof: for small trees, for clients that hold every leaf, and as the
 * independent reference the stored-node proofs are tested against.
 */

import { MerkleError } from './merkle-error.ts';
import { isHash } from './merkle-hash.ts';
import { rootFromLeafHashes } from './root-from-leaf-hashes.ts';
import { isTreeSize, show } from './tree-math.ts';

/** RFC 9162 §2.1.1: k, the largest power of two smaller than n (n > 1). */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkedLeafHashes(leafHashes: readonly Uint8Array[], size: number): readonly Uint8Array[] {
  if (!Array.isArray(leafHashes)) {
    throw new MerkleError('INVALID_HASH', 'leafHashes must be an array of 32-byte hashes');
  }
  if (!isTreeSize(size) || size > leafHashes.length) {
    throw new MerkleError(
      'INVALID_SIZE',
      `tree size ${show(size)} exceeds the ${leafHashes.length} leaves given`,
    );
  }
  for (let i = 0; i < size; i++) {
    if (!isHash(leafHashes[i])) throw new MerkleError('INVALID_HASH', `leaf hash ${i} is not a 32-byte hash`);
  }
  return leafHashes;
}

/** MTH(D[lo:hi]). */
function mth(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  return rootFromLeafHashes(leaves.slice(lo, hi));
}

/** RFC 9162 §2.1.3.1: PATH(m, D[lo:hi]). */
function path(m: number, leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array[] {
  const n = hi - lo;
  // PATH(0, {d(0)}) = {}
  if (n === 1) return [];
  const k = largestPowerOfTwoBelow(n);
  // m < k: PATH(m, D[0:k]) : MTH(D[k:n]); m >= k: PATH(m - k, D[k:n]) : MTH(D[0:k])
  if (m < k) return [...path(m, leaves, lo, lo + k), mth(leaves, lo + k, hi)];
  return [...path(m - k, leaves, lo + k, hi), mth(leaves, lo, lo + k)];
}

/** RFC 9162 §2.1.4.1: SUBPROOF(m, D[lo:hi], b). */
function subproof(
  m: number,
  leaves: readonly Uint8Array[],
  lo: number,
  hi: number,
  b: boolean,
): Uint8Array[] {
  const n = hi - lo;
  // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}
  if (m === n) return b ? [] : [mth(leaves, lo, hi)];
  const k = largestPowerOfTwoBelow(n);
  // m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n]); m > k: SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
  if (m <= k) return [...subproof(m, leaves, lo, lo + k, b), mth(leaves, lo + k, hi)];
  return [...subproof(m - k, leaves, lo + k, hi, false), mth(leaves, lo, lo + k)];
}

/** The inclusion proof of leaf `index` in the tree of the first `size` of `leafHashes`. */
export function inclusionProofFromLeafHashes(
  leafHashes: readonly Uint8Array[],
  index: number,
  size: number = Array.isArray(leafHashes) ? leafHashes.length : 0,
): Uint8Array[] {
  const leaves = checkedLeafHashes(leafHashes, size);
  if (size === 0) throw new MerkleError('INVALID_SIZE', 'the empty tree has no inclusion proofs');
  if (!isTreeSize(index) || index >= size) {
    throw new MerkleError('INVALID_INDEX', `leaf index ${show(index)} is not in a tree of ${size} leaves`);
  }
  return path(index, leaves, 0, size);
}

/** The consistency proof from `size1` to `size2` leaves of `leafHashes` (0 < size1 <= size2). */
export function consistencyProofFromLeafHashes(
  leafHashes: readonly Uint8Array[],
  size1: number,
  size2: number = Array.isArray(leafHashes) ? leafHashes.length : 0,
): Uint8Array[] {
  const leaves = checkedLeafHashes(leafHashes, size2);
  if (!isTreeSize(size1) || size1 === 0 || size1 > size2) {
    throw new MerkleError('INVALID_SIZE', `no consistency proof from size ${show(size1)} to size ${size2}`);
  }
  // RFC 9162 §2.1.4.1: PROOF(m, D[n]) = SUBPROOF(m, D[n], true)
  return subproof(size1, leaves, 0, size2, true);
}
