/**
 * Where proofs read stored node hashes from. An append-only store persists every
 * full-subtree node `(level, index, hash)` as leaves are appended (see CompactRange's
 * `appendLeafHashes`, which reports exactly those nodes), so any proof needs O(log n)
 * reads, and a SQL store answers one batch with one query:
 * `SELECT level, idx, hash FROM merkle_node WHERE (level, idx) IN (...)`.
 */
import { MerkleError } from './merkle-error.ts';
import type { NodeId } from './node-id.ts';
import { isNodePlan, type NodePlan, resolveNodePlan } from './node-plan.ts';

export interface HashReader {
  /**
   * Returns the hashes of the given full-subtree nodes, in the order asked. Every node asked
   * for is complete in a tree of the size the caller named, so a store that persisted the
   * nodes reported on append has all of them; a missing one is a store fault.
   */
  readNodes(ids: readonly NodeId[]): Promise<readonly Uint8Array[]>;
}

/** Reads the nodes of a plan in one batch and resolves them into proof hashes. */
export async function readNodePlan(reader: HashReader, plan: NodePlan): Promise<Uint8Array[]> {
  if (!isNodePlan(plan)) throw new MerkleError('INVALID_ENTRY', 'readNodePlan: plan must be a NodePlan');
  if (plan.ids.length === 0) return [];
  let hashes: readonly Uint8Array[];
  try {
    hashes = await reader.readNodes(plan.ids);
  } catch (cause) {
    throw new MerkleError('NODE_UNAVAILABLE', 'the hash store could not read the nodes of this proof', {
      cause,
    });
  }
  return resolveNodePlan(plan, hashes);
}
