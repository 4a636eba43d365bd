/**
 * The root of the log at any past or present size, from stored full-subtree hashes: the
 * compact range [0, size) folded right to left, O(log n) reads.
 */

import { compactRangeIds } from './compact-range.ts';
import { type HashReader, readNodePlan } from './hash-reader.ts';
import { MerkleError } from './merkle-error.ts';
import { emptyRoot } from './merkle-hash.ts';
import { type NodePlan, nodePlan } from './node-plan.ts';

/** The stored nodes whose fold is the root of the tree of `size` leaves (none for 0). */
export function planTreeRoot(size: number): NodePlan {
  const ids = compactRangeIds(size).reverse();
  return nodePlan(ids, 0, ids.length);
}

/** RFC 9162 §2.1.1: the root of the first `size` leaves of the log held by `reader`. */
export async function treeRoot(reader: HashReader, size: number): Promise<Uint8Array> {
  const plan = planTreeRoot(size);
  if (plan.ids.length === 0) return emptyRoot();
  const [root] = await readNodePlan(reader, plan);
  if (root === undefined) throw new MerkleError('NODE_UNAVAILABLE', `no root for tree size ${size}`);
  return root;
}
