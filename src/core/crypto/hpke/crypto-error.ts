/**
 * The one error class of the HPKE layer. Every failure it raises on purpose carries one of the
 * codes below and keeps the underlying cause (a WebCrypto DOMException, a noble Error), so callers
 * branch on `code` and an investigator can still read what the primitive said.
 *
 * - BAD_ARGUMENT: an argument has the wrong type or size (a programming error, not wire data).
 * - BAD_KEY: a public or private key is malformed, of another KEM, or rejected by its checks.
 * - BAD_ENCAPSULATION: a KEM encapsulation (`enc`) is malformed or rejected on decapsulation.
 * - OPEN_FAILED: a ciphertext did not open (wrong key, altered enc/ciphertext/info/aad).
 * - NOT_EXTRACTABLE: a private key was asked for its bytes but was made non-extractable.
 * - MESSAGE_LIMIT_REACHED: an encryption context has used every sequence number it may.
 * - UNSUPPORTED: the platform lacks a primitive (no WebCrypto, no X25519 in WebCrypto).
 */
import { ValiseError } from '../../valise-error.ts';

export const CRYPTO_ERROR_CODES = [
  'BAD_ARGUMENT',
  'BAD_KEY',
  'BAD_ENCAPSULATION',
  'OPEN_FAILED',
  'NOT_EXTRACTABLE',
  'MESSAGE_LIMIT_REACHED',
  'UNSUPPORTED',
] as const;
export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

export class CryptoError extends ValiseError {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
