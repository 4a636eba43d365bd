/**
 * Content-Digest (RFC 9530 §2) over the exact body bytes, with SHA-256. The signature covers
 * this field rather than the body, so the body is bound to the signature through it; a
 * request with no body still carries the digest of empty content, so a body cannot be added
 * to a signed request later.
 *
 * Valise sends exactly one member, `sha-256`, and the checker accepts exactly that: a second
 * member would be a digest nobody checks (RFC 9530 §6.7), so it is refused, not ignored.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { constantTimeEqual } from '../encoding/bytes.ts';
import { RequestSignatureError } from './request-signature-error.ts';
import { parseDictionary, serializeByteSequence } from './structured-field.ts';

/** RFC 9530 §5: the registered key of SHA-256 in the hash algorithm registry. */
export const CONTENT_DIGEST_ALGORITHM = 'sha-256';

/** A longer Content-Digest field is refused before it is parsed (ours is 53 characters). */
export const MAX_CONTENT_DIGEST_LENGTH = 4096;

/** The Content-Digest field value for `body`: `sha-256=:<base64>:`. */
export function contentDigest(body: Uint8Array): string {
  if (!(body instanceof Uint8Array)) {
    throw new RequestSignatureError(
      'SIGNATURE_MALFORMED',
      'body must be a Uint8Array (use new Uint8Array(0) for none)',
    );
  }
  return `${CONTENT_DIGEST_ALGORITHM}=${serializeByteSequence(sha256(body))}`;
}

/**
 * True if `field` is a Content-Digest with one `sha-256` member equal to SHA-256(`body`).
 * False for anything else, including a missing, over-long or malformed field; never throws.
 */
export function matchesContentDigest(field: string | undefined, body: Uint8Array): boolean {
  if (!(body instanceof Uint8Array)) return false;
  const claimed = parseContentDigest(field);
  return claimed !== undefined && constantTimeEqual(claimed, sha256(body));
}

/**
 * The same check for large bodies, hashing with WebCrypto's native SHA-256 (a cable body of
 * half a megabyte costs about a tenth of what the JavaScript hash does). Never rejects.
 */
export async function matchesContentDigestOf(field: string | undefined, body: Uint8Array): Promise<boolean> {
  if (!(body instanceof Uint8Array)) return false;
  const claimed = parseContentDigest(field);
  if (claimed === undefined) return false;
  const actual = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(body)));
  return constantTimeEqual(claimed, actual);
}

/** The SHA-256 a Content-Digest field claims, or undefined unless it is exactly one sha-256 member. */
export function claimedContentDigest(field: string | undefined): Uint8Array | undefined {
  return parseContentDigest(field);
}

function parseContentDigest(field: string | undefined): Uint8Array | undefined {
  if (typeof field !== 'string' || field.length > MAX_CONTENT_DIGEST_LENGTH) return undefined;
  const [entry, ...others] = parseDictionary(field) ?? [];
  if (entry === undefined || others.length > 0) return undefined;
  const [key, member] = entry;
  if (key !== CONTENT_DIGEST_ALGORITHM || member.kind !== 'item' || member.params.length !== 0)
    return undefined;
  return member.item.type === 'bytes' ? member.item.value : undefined;
}
