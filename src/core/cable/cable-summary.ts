/**
 * A format-4 cable's sealed summary: its subject and tags, encrypted apart from the body
 * under the same content key (its own HKDF label, so its own AEAD key and nonce) with the
 * envelope hash as associated data. The signed header commits to its SHA-256, so the server
 * cannot swap one cable's summary for another's; an inbox lists subjects by unwrapping the
 * content key and decrypting this alone, never the body (docs/design.md §4).
 *
 * The content still carries subject and tags: opening checks that the summary says the same
 * (`SUMMARY_MISMATCH`), so a sender cannot list one subject and write another in the body.
 */

import { deriveContentCipher } from '../crypto/content-cipher.ts';
import type { Aead } from '../crypto/hpke/aead.ts';
import { LABELS } from '../crypto/labels.ts';
import { encodeCanonical, parseCanonical } from '../encoding/canonical-json.ts';
import type { Decoder } from '../encoding/decode.ts';
import { object, string } from '../encoding/decode.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { CableContent } from './cable-content.ts';
import { decodeTags, MAX_SUBJECT } from './cable-content.ts';
import { CableError, decoded } from './cable-error.ts';

export interface CableSummary {
  readonly subject: string;
  readonly tags: readonly string[];
}

/**
 * The most bytes a sealed summary may have: the longest subject and tags in UTF-8 (4 bytes
 * a character at most), the JSON around them and the AEAD tag, rounded up.
 */
export const MAX_SUMMARY_BYTES = 16 * 1024;

export const decodeCableSummary: Decoder<CableSummary> = object({
  subject: string({ min: 1, max: MAX_SUBJECT }),
  tags: decodeTags,
});

/** The summary of a content: what the inbox may show before the body is opened. */
export function summaryOf(content: CableContent): CableSummary {
  return { subject: content.subject, tags: content.tags };
}

/** True when two summaries say the same, tag for tag in the same order. */
export function sameSummary(a: CableSummary, b: CableSummary): boolean {
  return (
    a.subject === b.subject && a.tags.length === b.tags.length && a.tags.every((t, i) => t === b.tags[i])
  );
}

/** Encrypts the canonical summary under the content key; `aad` is the envelope hash. */
export async function sealSummary(
  contentKey: Uint8Array,
  summary: CableSummary,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const json = toJsonValue({ subject: summary.subject, tags: [...summary.tags] });
  decoded(() => decodeCableSummary(json, 'summary'));
  const cipher = await deriveContentCipher(contentKey, LABELS.summaryKey);
  return cipher.encrypt(cipher.nonce, encodeCanonical(json), aad);
}

/**
 * Decrypts and decodes a sealed summary: `DECRYPT_FAILED` when it does not authenticate
 * under this key and envelope, `MALFORMED` when it does but is no canonical summary.
 */
export async function openSummary(
  contentKey: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
  /** The platform's AES-256-GCM (an HPKE suite's AEAD); WebCrypto's by default. */
  aead?: Aead,
): Promise<CableSummary> {
  const cipher = await deriveContentCipher(contentKey, LABELS.summaryKey, aead);
  const plaintext = await cipher.decrypt(cipher.nonce, sealed, aad);
  if (!plaintext) throw new CableError('DECRYPT_FAILED', 'the summary does not decrypt under its key');
  return decoded(() => decodeCableSummary(parseCanonical(plaintext), 'summary'));
}
