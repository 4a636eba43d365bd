/**
 * The shape check every verifier runs before hashing: a proof is an array of at most
 * MAX_PROOF_LENGTH 32-byte hashes. Copying it first means a caller cannot change it
 * between the check and its use.
 */
import { isHash } from './merkle-hash.ts';
import { MAX_PROOF_LENGTH } from './tree-math.ts';

/** Copies a proof after checking it is an array of at most MAX_PROOF_LENGTH 32-byte hashes. */
export function checkedProof(proof: unknown): Uint8Array[] | undefined {
  if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return undefined;
  const copy: Uint8Array[] = [];
  for (let i = 0; i < proof.length; i++) {
    const hash: unknown = proof[i];
    if (!isHash(hash)) return undefined;
    copy.push(hash);
  }
  return copy;
}
