/**
 * A compact range [0, size): the roots of the maximal full subtrees of the tree, largest
 * (leftmost) first, one per set bit of `size` (RFC 9162 §2.1.1 read bottom-up; the
 * transparency-dev compact ranges). It is all an append-only log must keep to compute its
 * new root after appends without rebuilding: appending a leaf merges equal-sized subtrees
 * like a binary counter carries, O(log n) hashes per leaf, O(1) amortised.
 *
 * Appending also reports every full-subtree node it completes, so a store can persist
 * `(level, index, hash)` and later serve any proof with O(log n) reads (see HashReader).
 */

import { MerkleError } from './merkle-error.ts';
import { emptyRoot, isHash, nodeHash } from './merkle-hash.ts';
import type { NodeId, SubtreeHash } from './node-id.ts';
import { bitLength, bitSet, isTreeSize, show } from './tree-math.ts';

export interface CompactRange {
  readonly kind: 'CompactRange';
  readonly size: number;
  /** The full-subtree roots, largest first: `compactRangeIds(size)` names them. */
  readonly hashes: readonly Uint8Array[];
}

export interface AppendResult {
  readonly range: CompactRange;
  /** Every full-subtree node completed by the append, in the order it was completed. */
  readonly nodes: readonly SubtreeHash[];
}

function freeze(size: number, hashes: Uint8Array[]): CompactRange {
  return Object.freeze({ kind: 'CompactRange', size, hashes: Object.freeze(hashes) });
}

export function emptyCompactRange(): CompactRange {
  return freeze(0, []);
}

/** The nodes of the compact range [0, size), largest first. */
export function compactRangeIds(size: number): NodeId[] {
  if (!isTreeSize(size)) {
    throw new MerkleError('INVALID_SIZE', `tree size must be a non-negative safe integer, got ${show(size)}`);
  }
  const ids: NodeId[] = [];
  for (let level = bitLength(size) - 1; level >= 0; level--) {
    if (bitSet(size, level)) ids.push({ level, index: Math.floor(size / 2 ** level) - 1 });
  }
  return ids;
}

/**
 * Rebuilds a compact range from what a store kept: its size and the hashes of
 * `compactRangeIds(size)`, in that order. The hashes are copied.
 */
export function compactRange(size: number, hashes: readonly Uint8Array[]): CompactRange {
  const ids = compactRangeIds(size);
  if (!Array.isArray(hashes) || hashes.length !== ids.length) {
    throw new MerkleError(
      'INVALID_COMPACT_RANGE',
      `a compact range of size ${size} has ${ids.length} hashes, got ${Array.isArray(hashes) ? hashes.length : typeof hashes}`,
    );
  }
  const copies: Uint8Array[] = [];
  for (const hash of hashes) {
    if (!isHash(hash))
      throw new MerkleError('INVALID_COMPACT_RANGE', 'compact range hashes must be 32 bytes');
    copies.push(hash.slice());
  }
  return freeze(size, copies);
}

/** RFC 9162 §2.1.1's interior hash, injectable so an audit may use a native SHA-256. */
export type NodeHash = (left: Uint8Array, right: Uint8Array) => Uint8Array;

/**
 * Pushes one leaf hash onto a mutable stack of full-subtree roots of a tree of `size`
 * leaves, merging while the binary counter carries. Shared by appends, root folds and the
 * whole-log audit.
 */
export function pushLeafHash(
  stack: Uint8Array[],
  size: number,
  hash: Uint8Array,
  onNode?: (node: SubtreeHash) => void,
  node: NodeHash = nodeHash,
): void {
  let current = hash;
  let level = 0;
  let index = size;
  onNode?.({ level, index, hash: current });
  // A set bit at `level` of the old size is a full subtree of that height waiting for a
  // right sibling of the same height: this one.
  while (index % 2 === 1) {
    const left = stack.pop();
    if (left === undefined) {
      throw new MerkleError(
        'INVALID_COMPACT_RANGE',
        `a stack of subtree roots is too short for size ${size}`,
      );
    }
    current = node(left, current);
    level++;
    index = (index - 1) / 2;
    onNode?.({ level, index, hash: current });
  }
  stack.push(current);
}

/** Folds full-subtree roots (largest first) into the tree root, right to left. */
export function foldRoots(hashes: readonly Uint8Array[], node: NodeHash = nodeHash): Uint8Array {
  // Indexed, not reduceRight: a hole in a sparse array is refused here, never skipped.
  let root: Uint8Array | undefined;
  for (let i = hashes.length - 1; i >= 0; i--) {
    const hash = hashes[i];
    if (hash === undefined) throw new MerkleError('INVALID_HASH', `subtree root ${i} is missing`);
    root = root === undefined ? hash : node(hash, root);
  }
  return root ?? emptyRoot();
}

/** Appends leaf hashes; returns the new range and the full-subtree nodes to persist. */
export function appendLeafHashes(range: CompactRange, leafHashes: readonly Uint8Array[]): AppendResult {
  if (range?.kind !== 'CompactRange' || !isTreeSize(range.size)) {
    throw new MerkleError('INVALID_COMPACT_RANGE', 'appendLeafHashes: range must be a CompactRange');
  }
  if (!Array.isArray(leafHashes)) {
    throw new MerkleError('INVALID_HASH', 'appendLeafHashes: leafHashes must be an array of 32-byte hashes');
  }
  if (!Number.isSafeInteger(range.size + leafHashes.length)) {
    throw new MerkleError('INVALID_SIZE', 'appending these leaves would exceed the largest tree size');
  }
  const stack = range.hashes.slice();
  const nodes: SubtreeHash[] = [];
  let size = range.size;
  for (const hash of leafHashes) {
    if (!isHash(hash)) throw new MerkleError('INVALID_HASH', `leaf hash ${size} is not a 32-byte hash`);
    pushLeafHash(stack, size, hash.slice(), (node) => nodes.push(Object.freeze(node)));
    size++;
  }
  return Object.freeze({ range: freeze(size, stack), nodes: Object.freeze(nodes) });
}

/** RFC 9162 §2.1.1: the root of the tree the range covers (the empty hash for size 0). */
export function compactRangeRoot(range: CompactRange): Uint8Array {
  if (range?.kind !== 'CompactRange' || !Array.isArray(range.hashes)) {
    throw new MerkleError('INVALID_COMPACT_RANGE', 'compactRangeRoot: range must be a CompactRange');
  }
  return foldRoots(range.hashes);
}
