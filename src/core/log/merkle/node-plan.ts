/**
 * A proof (or a root) expressed as the stored full-subtree nodes it is made of, before any
 * read. Splitting planning from reading lets a SQL store fetch all O(log n) nodes in one
 * query, and keeps the tree maths free of I/O.
 *
 * `ids[rehashBegin .. rehashEnd)` is the right border of a tree whose size is not a power of
 * two: an ephemeral node that no store holds, listed from its lowest (rightmost) part up and
 * folded into one hash. Everything else maps one stored node to one proof hash.
 */

import { MerkleError } from './merkle-error.ts';
import { isHash, nodeHash } from './merkle-hash.ts';
import type { NodeId } from './node-id.ts';

export interface NodePlan {
  readonly kind: 'NodePlan';
  readonly ids: readonly NodeId[];
  readonly rehashBegin: number;
  readonly rehashEnd: number;
}

export function nodePlan(ids: readonly NodeId[], rehashBegin: number, rehashEnd: number): NodePlan {
  return Object.freeze({
    kind: 'NodePlan',
    ids: Object.freeze(ids.map((id) => Object.freeze({ level: id.level, index: id.index }))),
    rehashBegin,
    rehashEnd,
  });
}

export function isNodePlan(plan: unknown): plan is NodePlan {
  if (typeof plan !== 'object' || plan === null) return false;
  const { kind, ids, rehashBegin, rehashEnd } = plan as Partial<NodePlan>;
  return (
    kind === 'NodePlan' &&
    Array.isArray(ids) &&
    typeof rehashBegin === 'number' &&
    typeof rehashEnd === 'number' &&
    Number.isSafeInteger(rehashBegin) &&
    Number.isSafeInteger(rehashEnd) &&
    0 <= rehashBegin &&
    rehashBegin <= rehashEnd &&
    rehashEnd <= ids.length
  );
}

/**
 * Turns the hashes of `plan.ids` (in the same order) into the proof hashes, folding the
 * rehash range. Throws MerkleError NODE_UNAVAILABLE when the hashes do not fit the plan.
 */
export function resolveNodePlan(plan: NodePlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  if (!isNodePlan(plan)) throw new MerkleError('INVALID_ENTRY', 'resolveNodePlan: plan must be a NodePlan');
  if (!Array.isArray(hashes) || hashes.length !== plan.ids.length) {
    throw new MerkleError(
      'NODE_UNAVAILABLE',
      `expected ${plan.ids.length} node hashes, got ${Array.isArray(hashes) ? hashes.length : typeof hashes}; ` +
        'the store is missing nodes of this tree',
    );
  }
  for (const [i, id] of plan.ids.entries()) {
    if (!isHash(hashes[i])) {
      throw new MerkleError('NODE_UNAVAILABLE', `node (${id.level}, ${id.index}) is not a 32-byte hash`);
    }
  }
  const { rehashBegin: begin, rehashEnd: end } = plan;
  if (end - begin <= 1) return hashes.slice();
  // Each later hash is the left sibling of the fold so far (the range holds at least two).
  const folded = hashes.slice(begin, end).reduce((right, left) => nodeHash(left, right));
  return [...hashes.slice(0, begin), folded, ...hashes.slice(end)];
}
