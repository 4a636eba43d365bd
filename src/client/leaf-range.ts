/**
 * Reads a run of the audit log's leaves, every one of them, and rebuilds the tree they end
 * (docs/design.md §8). Witnesses do it for each new range before cosigning, and an officer's
 * listing for the range it shows, so a deleted or altered event cannot pass unseen when the
 * tree alone still checks out:
 * - the server sends, with the first page, the compact range [0, from) (the roots of the
 *   full subtrees left of `from`); each leaf comes as its event (its hash is recomputed
 *   here) or, for leaves the reader may not see, as its hash;
 * - the leaves must come back contiguous, `from`, `from + 1`, …: an index that is skipped
 *   is reported missing, never passed over;
 * - the caller compares the root rebuilt from the compact range and the leaves with a root
 *   it trusts (RFC 9162 §2.1.1); a frontier or a leaf that differs fails that comparison.
 */

import { ROUTES } from '../core/api/routes.ts';
import { fromBase64url } from '../core/encoding/bytes.ts';
import {
  appendLeafHashes,
  type CompactRange,
  compactRange,
  compactRangeRoot,
} from '../core/log/merkle/compact-range.ts';
import { leafHash } from '../core/log/merkle/merkle-hash.ts';
import type { ApiClient } from './api-client.ts';
import { proofHashes } from './follow-log.ts';

export interface LeafRange {
  /** The root of the tree [0, to) rebuilt from the frontier and the leaves; absent with a gap. */
  readonly root?: Uint8Array;
  /** The root the frontier [0, from) folds to; absent when the frontier is malformed. */
  readonly fromRoot?: Uint8Array;
  /** Leaves of [from, to) the server did not send: deleted, or withheld. */
  readonly missing: readonly number[];
  /** The leaf hash of every leaf sent, by index. */
  readonly hashes: ReadonlyMap<number, Uint8Array>;
}

/** Largest number of pages one range follows. */
const MAX_PAGES = 10_000;

export async function readLeafRange(api: ApiClient, from: number, to: number): Promise<LeafRange> {
  const missing: number[] = [];
  const hashes = new Map<number, Uint8Array>();
  let range: CompactRange | undefined;
  let fromRoot: Uint8Array | undefined;
  let at = from;
  for (let page = 0; page < MAX_PAGES && at < to; page++) {
    const answer = await api.call(ROUTES.leaves, { query: { from: at, limit: Math.min(10_000, to - at) } });
    if (page === 0) {
      try {
        range = compactRange(from, proofHashes(answer.frontier ?? []));
        fromRoot = compactRangeRoot(range);
      } catch {
        range = undefined;
      }
    }
    const sent = answer.items.filter((item) => item.leaf >= at && item.leaf < to);
    if (sent.length === 0) break;
    for (const item of sent) {
      // Contiguity: every index from `at` up to this one that did not come is missing.
      for (; at < item.leaf; at++) missing.push(at);
      if (item.leaf < at) continue;
      const hash =
        item.event !== undefined
          ? leafHash(new TextEncoder().encode(item.event))
          : (fromBase64url(item.hash ?? '') ?? new Uint8Array(0));
      hashes.set(item.leaf, hash);
      at = item.leaf + 1;
    }
  }
  for (; at < to; at++) missing.push(at);
  if (range === undefined || missing.length > 0) {
    return { ...(fromRoot ? { fromRoot } : {}), missing, hashes };
  }
  const leaves: Uint8Array[] = [];
  for (let i = from; i < to; i++) leaves.push(hashes.get(i) ?? new Uint8Array(0));
  try {
    const root = compactRangeRoot(appendLeafHashes(range, leaves).range);
    return { root, ...(fromRoot ? { fromRoot } : {}), missing, hashes };
  } catch {
    // A hash that is not 32 bytes: the range does not rebuild.
    return { ...(fromRoot ? { fromRoot } : {}), missing, hashes };
  }
}
