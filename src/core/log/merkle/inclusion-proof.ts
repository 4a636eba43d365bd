/**
 * Builds the inclusion proof of one leaf (RFC 9162 §2.1.3.1) from stored full-subtree
 * hashes: plan the O(log n) nodes, read them in one batch, fold the right border.
 */
import { type HashReader, readNodePlan } from './hash-reader.ts';
import { MerkleError } from './merkle-error.ts';
import type { NodeId } from './node-id.ts';
import { appendNodePath } from './node-path.ts';
import { type NodePlan, nodePlan } from './node-plan.ts';
import { isTreeSize, show } from './tree-math.ts';

/** The stored nodes that make the inclusion proof of leaf `index` in a tree of `size`. */
export function planInclusionProof(index: number, size: number): NodePlan {
  if (!isTreeSize(size) || size === 0) {
    throw new MerkleError('INVALID_SIZE', `tree size must be a positive safe integer, got ${show(size)}`);
  }
  // RFC 9162 §2.1.3.1: an inclusion proof exists only for 0 <= m < n.
  if (!isTreeSize(index) || index >= size) {
    throw new MerkleError('INVALID_INDEX', `leaf index ${show(index)} is not in a tree of ${size} leaves`);
  }
  const ids: NodeId[] = [];
  const { rehashBegin, rehashEnd } = appendNodePath(ids, 0, index, size);
  return nodePlan(ids, rehashBegin, rehashEnd);
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves held by `reader`. */
export async function inclusionProof(reader: HashReader, index: number, size: number): Promise<Uint8Array[]> {
  const plan = planInclusionProof(index, size);
  return readNodePlan(reader, plan);
}
