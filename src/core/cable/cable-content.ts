/**
 * The content of a cable: what only its recipients ever see in clear. Encoded canonically
 * and encrypted as one AEAD message; attachments are encrypted apart, in chunks, and the
 * content carries each one's key and digest, so the signed header covers them too.
 */

import type { Decoder } from '../encoding/decode.ts';
import { array, bytes, integer, object, string } from '../encoding/decode.ts';
import { decodeDigest } from '../encoding/identifiers.ts';

export const MAX_SUBJECT = 300;
export const MAX_TAGS = 32;
/** The most characters (code points) one tag may have. */
export const MAX_TAG_LENGTH = 40;
export const MAX_BODY = 1024 * 1024;
export const MAX_ATTACHMENTS = 32;
export const DEFAULT_ATTACHMENT_LIMIT = 25 * 1024 * 1024;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

export interface AttachmentDescriptor {
  readonly name: string;
  readonly type: string;
  /** Plaintext size in bytes. */
  readonly size: number;
  readonly chunkSize: number;
  /** The attachment's own random key (the content is what protects it). */
  readonly key: Uint8Array;
  /** SHA-256 over the whole encrypted attachment stream. */
  readonly digest: Uint8Array;
}

export interface CableContent {
  readonly subject: string;
  readonly tags: readonly string[];
  readonly body: string;
  readonly attachments: readonly AttachmentDescriptor[];
}

export const decodeAttachmentDescriptor: Decoder<AttachmentDescriptor> = object({
  // No path separators and no control characters: the name is shown and saved as is.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  name: string({ min: 1, max: 255, pattern: /^[^/\\\u0000-\u001f\u007f]+$/ }),
  type: string({ min: 3, max: 127, pattern: /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/ }),
  size: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  chunkSize: integer({ min: 1024, max: 4 * 1024 * 1024 }),
  key: bytes({ length: 32 }),
  digest: decodeDigest,
});

/**
 * A cable's tags: at most MAX_TAGS, each 1 to MAX_TAG_LENGTH characters of any text, none
 * twice. The one rule for tags, wherever a cable's content or summary is built or read.
 */
export const decodeTags: Decoder<readonly string[]> = array(string({ min: 1, max: MAX_TAG_LENGTH }), {
  max: MAX_TAGS,
  unique: true,
});

export const decodeCableContent: Decoder<CableContent> = object({
  subject: string({ min: 1, max: MAX_SUBJECT }),
  tags: decodeTags,
  body: string({ max: MAX_BODY }),
  attachments: array(decodeAttachmentDescriptor, { max: MAX_ATTACHMENTS }),
});
