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

export async function inclusionProofs(
  reader: HashReader,
  indexes: readonly number[],
  size: number,
): Promise<Uint8Array[][]> {
  const plans = indexes.map((index) => planInclusionProof(index, size));
  const ids = new Map<string, NodeId>();
  for (const plan of plans) for (const id of plan.ids) ids.set(`${id.level}/${id.index}`, id);
  const unique = [...ids.values()];
  const hashes = unique.length === 0 ? [] : await reader.readNodes(unique);
  const byId = new Map(unique.map((id, i) => [`${id.level}/${id.index}`, hashes[i]!]));
  return plans.map((plan) =>
    resolveNodePlan(
      plan,
      plan.ids.map((id) => byId.get(`${id.level}/${id.index}`)!),
    ),
  );
}
