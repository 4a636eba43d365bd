/**
 * Signs an outgoing API request with the device's Ed25519 key (RFC 9421, Valise profile in
 * request-profile.ts) and returns the three fields to set on it, replacing any already there:
 * Content-Digest, Signature-Input and Signature. The request must then be sent with exactly
 * the method, URL, Content-Type and body bytes that were signed. There is no password or bearer token: this signature is the credential,
 * and the key that makes it never leaves the device.
 *
 * The signer only needs `sign(bytes)`, so a non-extractable WebCrypto key works (see
 * `cryptoKeySigner`), and so does the device Signer of `core/crypto/ed25519.ts`. The clock and the
 * nonce are passed in.
 */
import { signEd25519 } from '../crypto/ed25519.ts';
import { contentDigest } from './content-digest.ts';
import { type HeaderFields, readHeaderField } from './header-field.ts';
import {
  coveredComponents,
  MAX_KEY_ID_LENGTH,
  NONCE_PATTERN,
  REQUEST_SIGNATURE_ALG,
  REQUEST_SIGNATURE_TAG,
  SEQUENCE_FIELD,
  SIGNATURE_LABEL,
} from './request-profile.ts';
import { RequestSignatureError } from './request-signature-error.ts';
import { buildSignatureBase, type SignatureParams, serializeSignatureParams } from './signature-base.ts';
import { isSfString, MAX_SF_INTEGER, serializeByteSequence } from './structured-field.ts';

/** Anything that makes Ed25519 signatures with a key it keeps to itself. */
export interface RequestSigner {
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface OutgoingRequest {
  /** As `fetch` will send it; `fetch` upper-cases only DELETE GET HEAD OPTIONS POST PUT. */
  readonly method: string;
  /** The absolute http(s) URL the request goes to. */
  readonly url: string | URL;
  /** Must hold Content-Type when there is a body. */
  readonly headers?: HeaderFields;
  /** The exact bytes that will be sent; absent or empty for no body. */
  readonly body?: Uint8Array;
}

export interface SignRequestOptions {
  /** The key id the server resolves to this device's public key. */
  readonly keyId: string;
  readonly signer: RequestSigner;
  /** Unix seconds, whole. */
  readonly now: number;
  /** Fresh for every request: 16–128 base64url characters, e.g. `toBase64url(randomBytes(16))`. */
  readonly nonce: string;
  /** Unix seconds after which the server must refuse the request; optional. */
  readonly expires?: number;
  /**
   * This device's request sequence number: one higher than the last it signed (gaps are
   * fine, reuse is not), kept by the device across runs (docs/design.md §9).
   */
  readonly sequence: number;
}

/** The fields `signRequest` adds to the request. */
export interface SignatureHeaders {
  readonly 'Content-Digest': string;
  readonly 'Valise-Sequence': string;
  readonly 'Signature-Input': string;
  readonly Signature: string;
}

/** Fetch standard, "normalize a method": these six are upper-cased before sending. */
const NORMALISED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

function malformed(message: string, cause?: unknown): never {
  throw new RequestSignatureError(
    'SIGNATURE_MALFORMED',
    message,
    cause === undefined ? undefined : { cause },
  );
}

export async function signRequest(
  request: OutgoingRequest,
  options: SignRequestOptions,
): Promise<SignatureHeaders> {
  if (typeof options !== 'object' || options === null)
    malformed('options must be { keyId, signer, now, nonce, sequence }');
  const { keyId, signer, now, nonce, expires, sequence } = options;
  if (!isSfString(keyId) || keyId.length === 0 || keyId.length > MAX_KEY_ID_LENGTH) {
    malformed(`keyId must be 1 to ${MAX_KEY_ID_LENGTH} printable ASCII characters`);
  }
  if (typeof signer !== 'object' || signer === null || typeof signer.sign !== 'function') {
    malformed('signer must have a sign(bytes) method');
  }
  if (!Number.isSafeInteger(now) || now < 0 || now > MAX_SF_INTEGER) {
    malformed(`now must be whole unix seconds (Math.floor(Date.now() / 1000)), not ${String(now)}`);
  }
  if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) {
    malformed('nonce must be 16 to 128 base64url characters, fresh for every request');
  }
  if (
    expires !== undefined &&
    (!Number.isSafeInteger(expires) || expires <= now || expires > MAX_SF_INTEGER)
  ) {
    malformed(`expires must be whole unix seconds after now, not ${String(expires)}`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > MAX_SF_INTEGER) {
    malformed(`sequence must be a positive whole number of at most 15 digits, not ${String(sequence)}`);
  }
  if (typeof request !== 'object' || request === null)
    malformed('request must be { method, url, headers, body }');

  const url = parseUrl(request.url);
  const body = request.body ?? new Uint8Array(0);
  const digest = contentDigest(body);
  const method = typeof request.method === 'string' ? normaliseMethod(request.method) : request.method;
  const headers = request.headers ?? {};
  const contentType = readHeaderField(headers, 'content-type', 'SIGNATURE_MALFORMED');
  const components = coveredComponents(body.length);
  if (body.length > 0 && contentType === undefined) {
    malformed('a request with a body must say its Content-Type; the signature covers it');
  }

  const covered: Record<string, string> = { 'content-digest': digest, [SEQUENCE_FIELD]: String(sequence) };
  if (contentType !== undefined) covered['content-type'] = contentType;
  const params: SignatureParams = {
    created: now,
    ...(expires === undefined ? {} : { expires }),
    nonce,
    keyid: keyId,
    alg: REQUEST_SIGNATURE_ALG,
    tag: REQUEST_SIGNATURE_TAG,
  };
  const base = buildSignatureBase(
    { method, authority: url.host, path: url.pathname, query: url.search, headers: covered },
    components,
    params,
  );
  const signature = await signer.sign(base);
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    malformed('the signer did not return a 64-byte Ed25519 signature; is its key an Ed25519 private key?');
  }
  return {
    'Content-Digest': digest,
    'Valise-Sequence': String(sequence),
    'Signature-Input': `${SIGNATURE_LABEL}=${serializeSignatureParams(components, params)}`,
    Signature: `${SIGNATURE_LABEL}=${serializeByteSequence(signature)}`,
  };
}

/** A RequestSigner over a WebCrypto Ed25519 private key, which may be non-extractable. */
export function cryptoKeySigner(privateKey: CryptoKey): RequestSigner {
  if (
    typeof CryptoKey === 'undefined' ||
    !(privateKey instanceof CryptoKey) ||
    privateKey.type !== 'private' ||
    privateKey.algorithm.name !== 'Ed25519' ||
    !privateKey.usages.includes('sign')
  ) {
    malformed('privateKey must be a WebCrypto Ed25519 private key usable for sign');
  }
  return {
    sign: (message) => signEd25519(privateKey, message),
  };
}

function parseUrl(input: unknown): URL {
  if (typeof input !== 'string' && !(input instanceof URL)) malformed('url must be a string or a URL');
  let url: URL;
  try {
    url = input instanceof URL ? input : new URL(input);
  } catch (error) {
    return malformed('url must be an absolute http(s) URL', error);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') malformed('url must be an http(s) URL');
  if (url.username !== '' || url.password !== '') malformed('url must not carry credentials');
  return url;
}

function normaliseMethod(method: string): string {
  // Byte upper-casing, as the Fetch standard does: `toUpperCase` would also turn `ſ` into `S`.
  const upper = method.replace(/[a-z]/g, (c) => c.toUpperCase());
  return NORMALISED_METHODS.includes(upper) ? upper : method;
}
