/**
 * Names one node of the tree that is the root of a full (perfect) subtree: the node at
 * `level` and `index` covers leaves [index · 2^level, (index + 1) · 2^level). Level 0 is
 * the leaves. These are the only nodes a log ever needs to store: every other hash
 * (the root of a tree whose size is not a power of two, the right border of a proof) is
 * computed from a handful of them (the transparency-dev "compact range" model).
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** The full subtree hash of one stored node, as an append-only store persists it. */
export interface SubtreeHash extends NodeId {
  readonly hash: Uint8Array;
}

/** True for a level in [0, 63] and a non-negative safe-integer index. */
export function isNodeId(value: unknown): value is NodeId {
  if (typeof value !== 'object' || value === null) return false;
  const { level, index } = value as { level?: unknown; index?: unknown };
  return (
    typeof level === 'number' &&
    Number.isInteger(level) &&
    level >= 0 &&
    level < 64 &&
    typeof index === 'number' &&
    Number.isSafeInteger(index) &&
    index >= 0
  );
}
