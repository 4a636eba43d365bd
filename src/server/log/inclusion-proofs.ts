/**
 * Many inclusion proofs against one tree size with one read of the stored nodes: every
 * proof is planned (core/log/merkle, RFC 9162 §2.1.3.1), the union of their nodes is read in
 * one batch, and each plan is resolved from it. A page of events or a directory with its
 * proofs costs one query, not one per entry.
 */
import type { HashReader } from '../../core/log/merkle/hash-reader.ts';
import { planInclusionProof } from '../../core/log/merkle/inclusion-proof.ts';
import type { NodeId } from '../../core/log/merkle/node-id.ts';
import { resolveNodePlan } from '../../core/log/merkle/node-plan.ts';

/** Each item with the inclusion proof of its leaf (`indexOf`) in the tree of `size` leaves. */
export async function inclusionProofs<T>(
  reader: HashReader,
  items: readonly T[],
  indexOf: (item: T) => number,
  size: number,
): Promise<{ item: T; proof: Uint8Array[] }[]> {
  const plans = items.map((item) => ({ item, plan: planInclusionProof(indexOf(item), size) }));
  const ids = new Map<string, NodeId>();
  for (const { plan } of plans) for (const id of plan.ids) ids.set(`${id.level}/${id.index}`, id);
  const unique = [...ids.values()];
  const hashes = unique.length === 0 ? [] : await reader.readNodes(unique);
  const byId = new Map<string, Uint8Array>();
  for (const [i, id] of unique.entries()) {
    const hash = hashes[i];
    if (hash) byId.set(`${id.level}/${id.index}`, hash);
  }
  // A node the store did not return is left out: resolveNodePlan refuses the short list as
  // NODE_UNAVAILABLE, as it refuses a short read.
  return plans.map(({ item, plan }) => ({
    item,
    proof: resolveNodePlan(
      plan,
      plan.ids.flatMap((id) => byId.get(`${id.level}/${id.index}`) ?? []),
    ),
  }));
}
