/**
 * Verifies the signature on a received API request (RFC 9421 §3.2, Valise profile in
 * request-profile.ts) and says which device key made it, or throws one RequestSignatureError.
 *
 * The checks run cheapest and least revealing first, and each code names the first one that
 * failed: parse the fields → required components, tag and algorithm → freshness → key
 * lookup → digest of the body actually received → Ed25519 → nonce. The nonce is consumed
 * last, so only a request that passed everything else can burn it: an attacker who alters a
 * captured request cannot use up its nonce, and a forged request cannot fill the store.
 *
 * A server need not hold the body to start: `verifyRequestHead` checks everything the
 * headers carry (the signature covers Content-Digest, not the body) before one body byte is
 * read, and `finishRequest` then compares the digest of the body as it was read and consumes
 * the nonce. An unsigned or forged request is refused before its body costs any memory.
 *
 * A bad argument from the caller's own code (options, or a request that is not the adapter's
 * shape) is a TypeError, not a client code: no client could have caused it.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { importEd25519PublicKey, verifyEd25519 } from '../crypto/ed25519.ts';
import { constantTimeEqual } from '../encoding/bytes.ts';
import { claimedContentDigest } from './content-digest.ts';
import { readHeaderField } from './header-field.ts';
import type { NonceStore } from './nonce-store.ts';
import { parseSignatureFields } from './parse-signature-fields.ts';
import {
  BODY_COMPONENTS,
  REQUEST_SIGNATURE_ALG,
  REQUEST_SIGNATURE_TAG,
  REQUIRED_COMPONENTS,
  SEQUENCE_FIELD,
  SEQUENCE_PATTERN,
  type WireRequest,
} from './request-profile.ts';
import { RequestSignatureError, type RequestSignatureErrorCode } from './request-signature-error.ts';
import { buildSignatureBase } from './signature-base.ts';

export interface VerifyRequestOptions {
  /** The public key of `keyId`: a WebCrypto Ed25519 public key or its 32 raw bytes; undefined if unknown. */
  readonly resolveKey: (keyId: string) => Promise<CryptoKey | Uint8Array | undefined>;
  /** The current time in unix seconds. */
  readonly now: number;
  /** Oldest `created` accepted, in seconds before now; default 60. */
  readonly maxAgeSeconds?: number;
  /** Furthest `created` accepted, in seconds after now (clock skew); default 5. */
  readonly maxSkewSeconds?: number;
  readonly nonces: NonceStore;
}

export interface VerifiedRequest {
  readonly keyId: string;
  readonly created: number;
  readonly nonce: string;
  /** The device's request sequence number, covered by the signature (docs/design.md §9). */
  readonly sequence: number;
}

/** A request without its body: `hasBody` says whether one follows (content-length, chunked). */
export type WireRequestHead = Omit<WireRequest, 'body'> & { readonly hasBody: boolean };

/** A request whose headers and signature verified; its body digest and nonce are still to check. */
export interface VerifiedHead {
  readonly kind: 'VerifiedHead';
  readonly keyId: string;
  readonly created: number;
  readonly nonce: string;
  readonly sequence: number;
  /** The SHA-256 the covered Content-Digest field claims for the body. */
  readonly digest: Uint8Array;
  /** Until when the nonce must be remembered (the end of the freshness window). */
  readonly nonceExpiresAt: number;
}

function fail(code: RequestSignatureErrorCode, message: string, cause?: unknown): never {
  throw new RequestSignatureError(code, message, cause === undefined ? undefined : { cause });
}

function _malformed(message: string): never {
  return fail('SIGNATURE_MALFORMED', message);
}

/**
 * Errors thrown by `resolveKey` or `nonces` (a database down) are not the client's fault
 * and propagate unchanged.
 */
export async function verifyRequest(
  request: WireRequest,
  options: VerifyRequestOptions,
): Promise<VerifiedRequest> {
  checkOptions(options);
  checkRequest(request, true);
  const head = { ...request, hasBody: request.body.length > 0 };
  // 5. RFC 9530, checked before the signature when the body is at hand: the body received
  // must be the one whose digest the signature covers.
  return checkHead(head, options, sha256(request.body)).then((verified) =>
    finishRequest(verified, sha256(request.body), options.nonces),
  );
}

/**
 * Steps 1–4 and 6 of `verifyRequest` from the headers alone, before the body is read. The
 * caller hashes the body as it reads it, then calls `finishRequest`.
 */
export async function verifyRequestHead(
  request: WireRequestHead,
  options: VerifyRequestOptions,
): Promise<VerifiedHead> {
  checkOptions(options);
  checkRequest(request, false);
  if (typeof request.hasBody !== 'boolean') throw new TypeError('request.hasBody must be a boolean');
  return checkHead(request, options, undefined);
}

/**
 * Step 5 and 7 once the body has been read: its SHA-256 must be the covered Content-Digest
 * (RFC 9530), and only then is the nonce used up.
 */
export async function finishRequest(
  head: VerifiedHead,
  bodyDigest: Uint8Array,
  nonces: NonceStore,
): Promise<VerifiedRequest> {
  if (head?.kind !== 'VerifiedHead') throw new TypeError('head must come from verifyRequestHead');
  if (!(bodyDigest instanceof Uint8Array)) throw new TypeError('bodyDigest must be a Uint8Array');
  checkNonceStore(nonces);
  if (!constantTimeEqual(bodyDigest, head.digest)) {
    fail('DIGEST_MISMATCH', 'the body does not match the Content-Digest field (changed in transit)');
  }
  // 7. Last: only a request that passed everything above may use up its nonce. The entry
  // need only outlive the window in which the request would still be fresh.
  if (!(await nonces.consume(head.keyId, head.nonce, head.nonceExpiresAt))) {
    fail(
      'REPLAYED',
      'this request was already received (its nonce was used, or could not be recorded); sign it again',
    );
  }
  return { keyId: head.keyId, created: head.created, nonce: head.nonce, sequence: head.sequence };
}

async function checkHead(
  request: WireRequestHead,
  options: VerifyRequestOptions,
  bodyDigest: Uint8Array | undefined,
): Promise<VerifiedHead> {
  const { now, maxAgeSeconds = 60, maxSkewSeconds = 5, resolveKey } = options;

  // 1. Parse (RFC 9421 §3.2): the one signature, its covered components and parameters.
  const { components, params, signature } = parseSignatureFields(request);

  // 2. docs/design.md §1: the signature must bind the method, the whole target and the body.
  const required: readonly string[] = request.hasBody
    ? [...REQUIRED_COMPONENTS, ...BODY_COMPONENTS]
    : REQUIRED_COMPONENTS;
  const missing = required.filter((id) => !components.includes(id));
  if (missing.length > 0) {
    fail(
      'COMPONENTS_INCOMPLETE',
      `the signature does not cover ${missing.join(', ')}; sign the request with signRequest`,
    );
  }
  if (params.tag !== REQUEST_SIGNATURE_TAG) {
    fail(
      'WRONG_TAG',
      `the signature's tag is not "${REQUEST_SIGNATURE_TAG}": it was not made for a Valise request`,
    );
  }
  // The verifier fixes the algorithm; the message never chooses it (RFC 9421 §3.2).
  if (params.alg !== REQUEST_SIGNATURE_ALG) {
    fail('WRONG_ALG', `the signature's alg must be "${REQUEST_SIGNATURE_ALG}"`);
  }

  // docs/design.md §9: the covered sequence number is a positive integer of at most 15 digits.
  // RFC 9110 §5.5: whitespace around a field value is not part of it.
  const sequenceField = readHeaderField(request.headers, SEQUENCE_FIELD, 'SIGNATURE_MALFORMED')?.replace(
    /^[ \t]+|[ \t]+$/g,
    '',
  );
  if (sequenceField === undefined || !SEQUENCE_PATTERN.test(sequenceField)) {
    fail('SIGNATURE_MALFORMED', 'Valise-Sequence must be a positive whole number of at most 15 digits');
  }
  const sequence = Number(sequenceField);

  // 3. Freshness against the injected clock: the application sets the window (RFC 9421 §2.3, §3.2).
  if (params.created - now > maxSkewSeconds) {
    fail(
      'FROM_FUTURE',
      `the signature was created ${params.created - now} s in the future; check the device clock`,
    );
  }
  if (now - params.created > maxAgeSeconds) {
    fail(
      'STALE',
      `the signature is ${now - params.created} s old (at most ${maxAgeSeconds} s accepted); sign again`,
    );
  }
  if (params.expires !== undefined && now > params.expires) {
    fail('STALE', 'the signature expired; sign the request again');
  }

  // 4. Key lookup: only now is the key id, an attacker-chosen string, sent to the store.
  const key = await importVerifyKey(params.keyid, await resolveKey(params.keyid));

  // 5. RFC 9530: the covered Content-Digest must be one sha-256 member; when the body is at
  // hand it must match now, so a changed body is named as such whatever the key.
  const digestField = readHeaderField(request.headers, 'content-digest', 'DIGEST_MISMATCH');
  const digest = claimedContentDigest(digestField);
  if (digest === undefined || (bodyDigest !== undefined && !constantTimeEqual(digest, bodyDigest))) {
    fail(
      'DIGEST_MISMATCH',
      digestField === undefined
        ? 'the request has no Content-Digest field'
        : 'the body does not match the Content-Digest field (changed in transit, or not a single sha-256 digest)',
    );
  }

  // 6. RFC 9421 §3.2: rebuild the base (§2.5) from the request as received, then verify (§3.3.6).
  let base: Uint8Array;
  try {
    base = buildSignatureBase(request, components, params);
  } catch (error) {
    if (!(error instanceof RequestSignatureError)) throw error;
    return fail('SIGNATURE_INVALID', `the request does not match what was signed: ${error.message}`, error);
  }
  // The one Ed25519 module (core/crypto/ed25519.ts) verifies; it answers false, never throws.
  const valid = await verifyEd25519(Promise.resolve(key), base, signature);
  if (!valid)
    fail(
      'SIGNATURE_INVALID',
      'the signature does not verify: the request was changed or signed by another key',
    );
  return {
    kind: 'VerifiedHead',
    keyId: params.keyid,
    created: params.created,
    nonce: params.nonce,
    sequence,
    digest,
    nonceExpiresAt: Math.min(params.created + maxAgeSeconds, params.expires ?? Number.POSITIVE_INFINITY),
  };
}

function checkOptions(options: VerifyRequestOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('verifyRequest needs options { resolveKey, now, nonces }');
  }
  const { now, maxAgeSeconds = 60, maxSkewSeconds = 5, resolveKey, nonces } = options;
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0) {
    throw new TypeError(`options.now is not a time (${String(now)}); pass now in unix seconds`);
  }
  for (const [name, value] of [
    ['maxAgeSeconds', maxAgeSeconds],
    ['maxSkewSeconds', maxSkewSeconds],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`options.${name} must be a finite number of seconds, not ${String(value)}`);
    }
  }
  if (typeof resolveKey !== 'function') throw new TypeError('options.resolveKey must be a function');
  checkNonceStore(nonces);
}

function checkNonceStore(nonces: NonceStore): void {
  if (typeof nonces !== 'object' || nonces === null || typeof nonces.consume !== 'function') {
    throw new TypeError('a nonce store is needed; without one replays cannot be refused');
  }
}

/** The adapter's shape: strings, a header object and (when `withBody`) the body bytes. */
function checkRequest(request: WireRequest | WireRequestHead, withBody: boolean): void {
  if (typeof request !== 'object' || request === null) throw new TypeError('the request must be an object');
  if (withBody && !((request as WireRequest).body instanceof Uint8Array)) {
    throw new TypeError('request.body must be a Uint8Array (empty for no body)');
  }
  for (const name of ['method', 'authority', 'path', 'query'] as const) {
    if (typeof request[name] !== 'string') throw new TypeError(`request.${name} must be a string`);
  }
  const headers: unknown = request.headers;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new TypeError('request.headers must be an object of header fields');
  }
}

async function importVerifyKey(keyId: string, key: CryptoKey | Uint8Array | undefined): Promise<CryptoKey> {
  if (key === undefined) fail('UNKNOWN_KEY', `no device key is known as "${keyId}"; enrol the device first`);
  if (key instanceof Uint8Array) {
    if (key.length !== 32)
      fail('UNKNOWN_KEY', `the key on record for "${keyId}" is not a 32-byte Ed25519 public key`);
    try {
      return await importEd25519PublicKey(key);
    } catch (error) {
      return fail('UNKNOWN_KEY', `the key on record for "${keyId}" is not a valid Ed25519 public key`, error);
    }
  }
  if (
    typeof CryptoKey !== 'undefined' &&
    key instanceof CryptoKey &&
    key.type === 'public' &&
    key.algorithm.name === 'Ed25519' &&
    key.usages.includes('verify')
  ) {
    return key;
  }
  return fail(
    'UNKNOWN_KEY',
    `the key on record for "${keyId}" is not an Ed25519 public key usable for verify`,
  );
}
