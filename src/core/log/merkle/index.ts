/**
 * The verifiable audit log's tree maths (docs/design.md §8): RFC 6962 / RFC 9162 hashing, compact
 * ranges for append-only stores, proofs from stored full-subtree hashes, and the RFC 9162
 * verifiers. No I/O: stores plug in through HashReader.
 */
export {
  type AppendResult,
  appendLeafHashes,
  type CompactRange,
  compactRange,
  compactRangeIds,
  compactRangeRoot,
  emptyCompactRange,
} from './compact-range.ts';
export { consistencyProof, planConsistencyProof } from './consistency-proof.ts';
export { type HashReader, readNodePlan } from './hash-reader.ts';
export { inclusionProof, planInclusionProof } from './inclusion-proof.ts';
export { consistencyProofFromLeafHashes, inclusionProofFromLeafHashes } from './leaf-hash-proofs.ts';
export { MemoryHashStore } from './memory-hash-store.ts';
export { MERKLE_ERROR_CODES, MerkleError, type MerkleErrorCode } from './merkle-error.ts';
export { emptyRoot, HASH_SIZE, isHash, leafHash, nodeHash } from './merkle-hash.ts';
export { isNodeId, type NodeId, type SubtreeHash } from './node-id.ts';
export { type NodePlan, resolveNodePlan } from './node-plan.ts';
export { rootFromLeafHashes } from './root-from-leaf-hashes.ts';
export { planTreeRoot, treeRoot } from './tree-root.ts';
export { verifyConsistency } from './verify-consistency.ts';
export { verifyInclusion } from './verify-inclusion.ts';
