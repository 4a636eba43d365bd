/**
 * Builds the consistency proof between two sizes of one log (RFC 9162 §2.1.4.1) from stored
 * full-subtree hashes. The proof starts at the largest full subtree that ends where the old
 * tree ends, omitted when that subtree is the whole old tree (the verifier already holds its
 * root, RFC 9162 §2.1.4.2 step 2), and climbs to the new root like an inclusion proof.
 */
import { type HashReader, readNodePlan } from './hash-reader.ts';
import { MerkleError } from './merkle-error.ts';
import type { NodeId } from './node-id.ts';
import { appendNodePath } from './node-path.ts';
import { type NodePlan, nodePlan } from './node-plan.ts';
import { isTreeSize, trailingZeros } from './tree-math.ts';

/** The stored nodes that make the consistency proof from `size1` to `size2` leaves. */
export function planConsistencyProof(size1: number, size2: number): NodePlan {
  if (!isTreeSize(size1) || !isTreeSize(size2)) {
    throw new MerkleError('INVALID_SIZE', 'tree sizes must be non-negative safe integers');
  }
  // RFC 9162 §2.1.4: proofs are between 0 < first <= second; a proof from the empty tree
  // proves nothing and the verifier refuses it.
  if (size1 === 0 || size1 > size2) {
    throw new MerkleError('INVALID_SIZE', `no consistency proof from size ${size1} to size ${size2}`);
  }
  // RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) is empty.
  if (size1 === size2) return nodePlan([], 0, 0);

  const level = trailingZeros(size1);
  const index = size1 / 2 ** level - 1;
  const ids: NodeId[] = [];
  if (index !== 0) ids.push({ level, index });
  const { rehashBegin, rehashEnd } = appendNodePath(ids, level, index, size2);
  return nodePlan(ids, rehashBegin, rehashEnd);
}

/** The consistency proof from `size1` to `size2` leaves of the log held by `reader`. */
export async function consistencyProof(
  reader: HashReader,
  size1: number,
  size2: number,
): Promise<Uint8Array[]> {
  const plan = planConsistencyProof(size1, size2);
  return readNodePlan(reader, plan);
}
