/**
 * The one error of signed notes, checkpoints and cosignatures. Parsers and signers throw
 * it; verifiers never do (they return false or an empty list).
 */
import { ValiseError } from '../../valise-error.ts';

export const CHECKPOINT_ERROR_CODES = [
  /** The input is not a string (or UTF-8 bytes), or is not well-formed Unicode. */
  'NOT_TEXT',
  /** The note is larger than MAX_NOTE_BYTES. */
  'TOO_LARGE',
  /** The text holds an ASCII control character other than newline (C2SP signed-note). */
  'CONTROL_CHARACTER',
  /** The note does not split into text, blank line and signature lines (C2SP signed-note). */
  'MALFORMED_NOTE',
  /** A signature line is not `— <name> <base64(key ID || signature)>`. */
  'MALFORMED_SIGNATURE_LINE',
  /** More signature lines than MAX_SIGNATURES. */
  'TOO_MANY_SIGNATURES',
  /** A key name is empty or holds a space or a plus (C2SP signed-note). */
  'INVALID_KEY_NAME',
  /** A public key, key ID or signer is not what its signature type requires. */
  'INVALID_KEY',
  /** A verifier key string (`<name>+<hex key ID>+<base64(type || key)>`) is malformed. */
  'MALFORMED_VERIFIER_KEY',
  /** The checkpoint's origin line is missing or empty (C2SP tlog-checkpoint). */
  'INVALID_ORIGIN',
  /** The tree size is not canonical decimal, or exceeds 2^53 − 1. */
  'INVALID_TREE_SIZE',
  /** The root hash is not the canonical base64 of 32 bytes. */
  'INVALID_ROOT_HASH',
  /** An extension line is empty or not a string. */
  'INVALID_EXTENSION',
  /** A cosignature timestamp is not a safe integer in [0, 2^53 − 1]. */
  'INVALID_TIMESTAMP',
  /** The signer failed to sign or returned something that is not a signature. */
  'SIGNING_FAILED',
] as const;

export type CheckpointErrorCode = (typeof CHECKPOINT_ERROR_CODES)[number];

export class CheckpointError extends ValiseError {
  readonly code: CheckpointErrorCode;

  constructor(code: CheckpointErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
