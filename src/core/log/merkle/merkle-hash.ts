/**
 * The two hashes of an RFC 6962 / RFC 9162 Merkle tree, with SHA-256 (RFC 9162 §2.1.1).
 * The one-byte prefixes separate leaves from interior nodes, so no interior node can be
 * passed off as a leaf (second-preimage resistance, RFC 9162 §2.1.1).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { MerkleError } from './merkle-error.ts';

/** Every hash in the tree is a SHA-256 output. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** True for a 32-byte Uint8Array: the only shape a tree hash may have. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

/** RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(entry: Uint8Array): Uint8Array {
  if (!(entry instanceof Uint8Array)) {
    throw new MerkleError('INVALID_ENTRY', 'leafHash: entry must be a Uint8Array');
  }
  return sha256.create().update(LEAF_PREFIX).update(entry).digest();
}

/** RFC 9162 §2.1.1: an interior node is SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (!(left instanceof Uint8Array) || !(right instanceof Uint8Array)) {
    throw new MerkleError('INVALID_HASH', 'nodeHash: left and right must be Uint8Arrays');
  }
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}

/** RFC 9162 §2.1.1: the hash of the empty tree is SHA-256 of the empty string. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}
