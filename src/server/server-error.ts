/**
 * The one error of the HTTP layer: every refusal a client can cause has a stable code from
 * this closed set; `http-status.ts` alone decides the status. Codes reuse the core areas'
 * codes (EncodingError, RequestSignatureError, CableError) where they mean the same thing.
 */
import type { JsonValue } from '../core/encoding/canonical-json.ts';
import { ValiseError } from '../core/valise-error.ts';

export const SERVER_ERROR_CODES = [
  // 400: the request is malformed (the EncodingError codes of core/encoding/decode, plus MALFORMED)
  'MALFORMED',
  'MALFORMED_JSON',
  'NOT_CANONICAL',
  'DUPLICATE_KEY',
  'UNKNOWN_FIELD',
  'MISSING_FIELD',
  'WRONG_TYPE',
  'OUT_OF_RANGE',
  'INVALID_VALUE',
  'TOO_DEEP',
  // 401: the request signature (core/wire RequestSignatureError codes)
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'COMPONENTS_INCOMPLETE',
  'WRONG_TAG',
  'WRONG_ALG',
  'FROM_FUTURE',
  'STALE',
  'UNKNOWN_KEY',
  'DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
  'REPLAYED',
  // 403: authenticated, not allowed
  'FORBIDDEN',
  'DEVICE_REVOKED',
  'DEVICE_EXPIRED',
  'DEVICE_SUSPENDED',
  'DEVICE_HELD',
  'SENDER_NOT_CLEARED',
  'CLASSIFICATION_REFUSED',
  // 404
  'NOT_FOUND',
  // 409
  'SERIES_CONFLICT',
  'INVITATION_USED',
  'ALREADY_EXISTS',
  // 410
  'INVITATION_EXPIRED',
  // 413
  'TOO_LARGE',
  // 415
  'UNSUPPORTED_MEDIA_TYPE',
  // 422: well-formed, refused by the rules (directory, policy, format semantics)
  'CERTIFICATE_INVALID',
  'ENROLMENT_MISMATCH',
  'UNKNOWN_USER',
  'HEADER_SIGNATURE_INVALID',
  'CIPHERTEXT_MISMATCH',
  'EPOCH_INVALID',
  'DATE_INVALID',
  'WRAPPED_SET_MISMATCH',
  'COSIGNATURE_INVALID',
  // 429
  'RATE_LIMITED',
  // 5xx: the server's own faults, never the client's
  'INTERNAL',
  'INTEGRITY_FAILED',
  'STORE_UNAVAILABLE',
] as const;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

export interface ServerErrorOptions {
  readonly cause?: unknown;
  /** The field at fault, for body and query errors (`cable.header.serial`). */
  readonly field?: string;
  /** Extra top-level members of the error body, e.g. `head` for SERIES_CONFLICT. */
  readonly extra?: { readonly [key: string]: JsonValue };
}

export class ServerError extends ValiseError {
  readonly code: ServerErrorCode;
  readonly field: string | undefined;
  readonly extra: { readonly [key: string]: JsonValue } | undefined;

  constructor(code: ServerErrorCode, message: string, options: ServerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.extra = options.extra;
  }
}

export function isServerErrorCode(code: unknown): code is ServerErrorCode {
  return typeof code === 'string' && (SERVER_ERROR_CODES as readonly string[]).includes(code);
}
