/**
 * The tree root straight from all leaf hashes (RFC 9162 §2.1.1 MTH), in one pass with
 * O(log n) memory: the same binary-counter fold a compact range uses.
 */

import { foldRoots, pushLeafHash } from './compact-range.ts';
import { MerkleError } from './merkle-error.ts';
import { isHash } from './merkle-hash.ts';

export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(leafHashes)) {
    throw new MerkleError(
      'INVALID_HASH',
      'rootFromLeafHashes: leafHashes must be an array of 32-byte hashes',
    );
  }
  const stack: Uint8Array[] = [];
  for (let i = 0; i < leafHashes.length; i++) {
    const hash = leafHashes[i];
    if (!isHash(hash)) throw new MerkleError('INVALID_HASH', `leaf hash ${i} is not a 32-byte hash`);
    pushLeafHash(stack, i, hash);
  }
  return foldRoots(stack);
}
