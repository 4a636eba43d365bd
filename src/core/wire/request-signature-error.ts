/**
 * The one error of signed requests (RFC 9421 + RFC 9530 as Valise profiles them). The codes
 * are listed in the order `verifyRequest` checks them, so a code says which step failed
 * first; HTTP maps them to statuses in one place.
 */
import { ValiseError } from '../valise-error.ts';

export const REQUEST_SIGNATURE_ERROR_CODES = [
  /** The request carries no Signature-Input or no Signature field. */
  'SIGNATURE_MISSING',
  /**
   * The signature fields (or, when signing, the inputs) are not what the Valise profile
   * allows: bad structured-field syntax, a label other than `sig1`, several signatures, a
   * missing or repeated parameter, an over-long field, an unusable argument.
   */
  'SIGNATURE_MALFORMED',
  /** A component Valise requires (method, authority, path, query, digest, type) is not covered. */
  'COMPONENTS_INCOMPLETE',
  /** The `tag` parameter is not `valise-request-v1`: this signature was made for something else. */
  'WRONG_TAG',
  /** The `alg` parameter is absent or not `ed25519`. */
  'WRONG_ALG',
  /** `created` is further in the future than the allowed clock skew. */
  'FROM_FUTURE',
  /** `created` is older than the allowed age, or `expires` has passed. */
  'STALE',
  /** No usable public key is known for the `keyid`. */
  'UNKNOWN_KEY',
  /** The body is not the one the Content-Digest field (covered by the signature) names. */
  'DIGEST_MISMATCH',
  /** The Ed25519 signature does not verify over the request as received. */
  'SIGNATURE_INVALID',
  /** This key has already used this nonce within the freshness window. */
  'REPLAYED',
] as const;
export type RequestSignatureErrorCode = (typeof REQUEST_SIGNATURE_ERROR_CODES)[number];

export class RequestSignatureError extends ValiseError {
  readonly code: RequestSignatureErrorCode;

  constructor(code: RequestSignatureErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
