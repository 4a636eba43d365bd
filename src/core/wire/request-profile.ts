/**
 * How Valise profiles RFC 9421 for its API requests (what §1.4 asks an application to fix):
 * one signature labelled `sig1`, Ed25519 only, named by `alg`, a `tag` that says the
 * signature is for a Valise request and nothing else, a `created` time, a `nonce` for
 * replay protection, and a fixed set of covered components that binds the method, the
 * whole target, through Content-Digest the body, and the device's request sequence number
 * (`Valise-Sequence`, docs/design.md §9: two copies of one key give themselves away by
 * reusing numbers).
 */
import type { HeaderFields } from './header-field.ts';

export const SIGNATURE_LABEL = 'sig1';
/**
 * Domain separation: a signature made by a device key for any other purpose cannot carry
 * this tag, so it can never pass as a request signature (the `tag` parameter, RFC 9421 §2.3).
 */
export const REQUEST_SIGNATURE_TAG = 'valise-request-v1';
/** RFC 9421 §3.3.6. */
export const REQUEST_SIGNATURE_ALG = 'ed25519';

/** Signature-Input and Signature fields longer than this are refused before parsing. */
export const MAX_SIGNATURE_FIELD_LENGTH = 4096;
export const MAX_KEY_ID_LENGTH = 256;
/** A nonce is 16 to 128 base64url characters (22 for the 16 random bytes clients use). */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The field carrying the device's request sequence number: a positive integer one higher
 * for every request the device signs, so a copy of its key reuses numbers (docs/design.md §9).
 */
export const SEQUENCE_FIELD = 'valise-sequence';
/** A sequence number: a positive integer of at most 15 digits (an RFC 8941 integer). */
export const SEQUENCE_PATTERN = /^[1-9][0-9]{0,14}$/;

/** Components every Valise request signature covers, in the order `signRequest` writes them. */
export const REQUIRED_COMPONENTS = [
  '@method',
  '@authority',
  '@path',
  '@query',
  'content-digest',
  SEQUENCE_FIELD,
] as const;
/** Covered as well whenever the request has a body: the type says how to read the body. */
export const BODY_COMPONENTS = ['content-type'] as const;

/** Components a Valise request signature may cover; anything else is refused. */
export const ALLOWED_COMPONENTS: readonly string[] = [...REQUIRED_COMPONENTS, ...BODY_COMPONENTS];

/**
 * A received request, independent of the HTTP framework, so the Fastify server and
 * `fetch`-based clients can both adapt to it. `path` and `query` are the request target as
 * received, split at the first `?`, percent-encoding untouched.
 */
export interface WireRequest {
  readonly method: string;
  /** Host and port the request was addressed to, e.g. `valise.example` or `localhost:8080`. */
  readonly authority: string;
  /** The absolute path, e.g. `/api/cables/123`. */
  readonly path: string;
  /** The query with its leading `?`, e.g. `?since=42`, or `''` when there is none. */
  readonly query: string;
  readonly headers: HeaderFields;
  /** The exact body bytes; an empty array when there is no body. */
  readonly body: Uint8Array;
}

/** The components `signRequest` covers for a body of this length. */
export function coveredComponents(bodyLength: number): readonly string[] {
  return bodyLength > 0 ? [...REQUIRED_COMPONENTS, ...BODY_COMPONENTS] : REQUIRED_COMPONENTS;
}
