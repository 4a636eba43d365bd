/**
 * The one error of the Merkle log maths. Verifiers never raise it (they return false);
 * builders of trees and proofs raise it when asked for something that does not exist.
 */
import { ValiseError } from '../../valise-error.ts';

export const MERKLE_ERROR_CODES = [
  /** A tree size is not a non-negative safe integer, or two sizes are out of order. */
  'INVALID_SIZE',
  /** A leaf index is not a non-negative safe integer below the tree size. */
  'INVALID_INDEX',
  /** A hash is not a 32-byte Uint8Array (or, for nodeHash, not a Uint8Array at all). */
  'INVALID_HASH',
  /** A leaf entry is not a Uint8Array. */
  'INVALID_ENTRY',
  /** A HashReader did not return the node hashes it was asked for. */
  'NODE_UNAVAILABLE',
  /** A compact range's hashes do not match its size. */
  'INVALID_COMPACT_RANGE',
] as const;

export type MerkleErrorCode = (typeof MERKLE_ERROR_CODES)[number];

export class MerkleError extends ValiseError {
  readonly code: MerkleErrorCode;

  constructor(code: MerkleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
