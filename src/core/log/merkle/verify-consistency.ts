/**
 * Verifies a consistency proof exactly as RFC 9162 §2.1.4.2 prescribes, plus the two cases
 * that algorithm leaves out (equal sizes; the empty tree). Returns false for anything that
 * is not a valid proof and never throws: a verifier has one failure channel.
 */
import { constantTimeEqual } from '../../encoding/bytes.ts';
import { checkedProof } from './checked-proof.ts';
import { isHash, nodeHash } from './merkle-hash.ts';
import { half, isPowerOfTwo, isTreeSize, lsb } from './tree-math.ts';

export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  try {
    // Check the inputs before any hashing: hashes are 32 bytes, sizes safe integers.
    if (!isTreeSize(size1) || !isTreeSize(size2) || !isHash(root1) || !isHash(root2)) return false;
    const path = checkedProof(proof);
    if (path === undefined) return false;

    // RFC 9162 §2.1.4: a log only grows, so a proof to a smaller tree is invalid.
    if (size1 > size2) return false;
    // RFC 9162 §2.1.4.2: a consistency proof from size 0 is invalid (the algorithm is
    // defined for 0 < first); whoever holds an empty tree has nothing to check.
    if (size1 === 0) return false;
    // RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) is empty, so equal sizes are consistent
    // only with an empty proof and equal roots.
    if (size1 === size2) return path.length === 0 && constantTimeEqual(root1, root2);

    // Step 1: if consistency_path is an empty array, stop and fail the proof verification.
    if (path.length === 0) return false;
    // Step 2: if first is an exact power of 2, prepend first_hash to the consistency_path.
    if (isPowerOfTwo(size1)) path.unshift(root1);
    // Step 3: set fn to first - 1 and sn to second - 1.
    let fn = size1 - 1;
    let sn = size2 - 1;
    // Step 4: if LSB(fn) is set, right-shift both fn and sn equally until LSB(fn) is not set.
    while (lsb(fn)) {
      fn = half(fn);
      sn = half(sn);
    }
    // Step 5: set both fr and sr to the first value in the consistency_path array.
    const [first, ...rest] = path;
    if (first === undefined) return false; // not reached: step 1 refused an empty path
    let fr = first;
    let sr = first;
    // Step 6: for each subsequent value c in the consistency_path array:
    for (const c of rest) {
      // 6a: if sn is 0, stop the iteration and fail the proof verification.
      if (sn === 0) return false;
      // 6b: if LSB(fn) is set, or if fn is equal to sn, then:
      if (lsb(fn) || fn === sn) {
        // 6b.i: set fr to HASH(0x01 || c || fr); 6b.ii: set sr to HASH(0x01 || c || sr).
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        // 6b.iii: if LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn)
        // is set or fn is 0.
        if (!lsb(fn)) {
          while (!lsb(fn) && fn !== 0) {
            fn = half(fn);
            sn = half(sn);
          }
        }
      } else {
        // Otherwise: set sr to HASH(0x01 || sr || c).
        sr = nodeHash(sr, c);
      }
      // 6c: finally, right-shift both fn and sn one time.
      fn = half(fn);
      sn = half(sn);
    }
    // Step 7: fr must equal first_hash, sr must equal second_hash, and sn must be 0.
    return sn === 0 && constantTimeEqual(fr, root1) && constantTimeEqual(sr, root2);
  } catch {
    // A hostile argument (a proxy, a throwing getter) is a malformed proof, not a crash.
    return false;
  }
}
