/**
 * The stored nodes that lead one full-subtree node up to the root of a tree of a given
 * size: the shared core of inclusion proofs (from a leaf) and consistency proofs (from the
 * largest full subtree ending at the old size). It lists exactly the hashes RFC 9162's
 * PATH and SUBPROOF produce (§2.1.3.1, §2.1.4.1), in the same order, but reads them as
 * stored perfect subtrees instead of recomputing them from leaves.
 */
import type { NodeId } from './node-id.ts';
import { bitSet, half, lsb, sibling } from './tree-math.ts';

export interface PathRange {
  readonly rehashBegin: number;
  readonly rehashEnd: number;
}

/**
 * Appends to `ids` the path of node (level, index) in a tree of `size` leaves. The node
 * must be complete: (index + 1) · 2^level ≤ size. Returns the rehash range (see NodePlan).
 */
export function appendNodePath(ids: NodeId[], level: number, index: number, size: number): PathRange {
  let l = level;
  let node = index;
  // The ancestor, at level l, of the tree's last leaf.
  let last = Math.floor((size - 1) / 2 ** level);

  // Below the level where the two paths meet, every sibling is a complete subtree to the
  // left of the last leaf's subtree: it is stored.
  while (half(node) !== half(last)) {
    ids.push({ level: l, index: sibling(node) });
    node = half(node);
    last = half(last);
    l++;
  }

  // Where the paths meet, the right sibling is the tree's right border: stored if complete,
  // else the perfect subtrees of the remaining leaves, lowest level first, to be folded.
  let rehashBegin = ids.length;
  let rehashEnd = ids.length;
  if (node !== last) {
    if ((last + 1) * 2 ** l <= size) {
      ids.push({ level: l, index: last });
    } else {
      rehashBegin = ids.length;
      for (let k = 0; k < l; k++) {
        if (bitSet(size, k)) ids.push({ level: k, index: Math.floor(size / 2 ** k) - 1 });
      }
      rehashEnd = ids.length;
    }
    node = half(node);
    l++;
  }

  // Above, the node is on the right border: a left sibling is complete and stored; a
  // missing right sibling means the node is promoted unchanged (RFC 9162 §2.1.1, k < n).
  while (node > 0) {
    if (lsb(node)) ids.push({ level: l, index: node - 1 });
    node = half(node);
    l++;
  }
  return { rehashBegin, rehashEnd };
}
