/**
 * Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2 prescribes. Returns false for
 * anything that is not a valid proof (malformed arguments included) and never throws:
 * a verifier has one failure channel.
 */
import { constantTimeEqual } from '../../encoding/bytes.ts';
import { checkedProof } from './checked-proof.ts';
import { isHash, nodeHash } from './merkle-hash.ts';
import { half, isTreeSize, lsb } from './tree-math.ts';

export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    // Check the inputs before any hashing: hashes are 32 bytes, sizes safe integers.
    if (!isHash(leafHash) || !isHash(root) || !isTreeSize(index) || !isTreeSize(treeSize)) return false;
    const inclusionPath = checkedProof(proof);
    if (inclusionPath === undefined) return false;

    // RFC 9162 §2.1.3.2 step 1: fail if leaf_index >= tree_size.
    if (index >= treeSize) return false;
    // Step 2: set fn to leaf_index and sn to tree_size - 1.
    let fn = index;
    let sn = treeSize - 1;
    // Step 3: set r to hash.
    let r = leafHash;
    // Step 4: for each value p in the inclusion_path array:
    for (const p of inclusionPath) {
      // 4a: if sn is 0, stop the iteration and fail the proof verification.
      if (sn === 0) return false;
      // 4b: if LSB(fn) is set, or if fn is equal to sn, then:
      if (lsb(fn) || fn === sn) {
        // 4b.i: set r to HASH(0x01 || p || r).
        r = nodeHash(p, r);
        // 4b.ii: if LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn)
        // is set or fn is 0.
        if (!lsb(fn)) {
          while (!lsb(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        // Otherwise: set r to HASH(0x01 || r || p).
        r = nodeHash(r, p);
      }
      // 4c: finally, right-shift both fn and sn one time.
      fn = half(fn);
      sn = half(sn);
    }
    // Step 5: the proof holds iff sn is 0 and r equals root_hash.
    return sn === 0 && constantTimeEqual(r, root);
  } catch {
    // A hostile argument (a proxy, a throwing getter) is a malformed proof, not a crash.
    return false;
  }
}
