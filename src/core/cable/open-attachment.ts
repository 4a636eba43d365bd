/**
 * Decrypts an attachment stream sealed by `sealAttachment`, chunk by chunk. Each chunk is
 * authenticated before it is released; a reordered, dropped, extra or truncated chunk, a
 * wrong size or a wrong digest fails with CableError 'ATTACHMENT_INVALID'.
 */

import { deriveContentCipher, TAG_BYTES } from '../crypto/content-cipher.ts';
import { LABELS } from '../crypto/labels.ts';
import { sha256Stream } from '../crypto/sha256.ts';
import { constantTimeEqual } from '../encoding/bytes.ts';
import type { JsonValue } from '../encoding/canonical-json.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { AttachmentDescriptor } from './cable-content.ts';
import { decodeAttachmentDescriptor } from './cable-content.ts';
import { CableError, decoded } from './cable-error.ts';
import { ATTACHMENT_AAD, chunkNonce, rechunk } from './seal-attachment.ts';

export async function* openAttachment(
  descriptor: AttachmentDescriptor,
  encrypted: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  // The descriptor came out of decrypted content, but a caller may build one: hold it to the format.
  const d = decoded(() =>
    decodeAttachmentDescriptor(
      (toJsonValue({ descriptor }) as { descriptor?: JsonValue }).descriptor,
      'descriptor',
    ),
  );
  const invalid = (why: string) => new CableError('ATTACHMENT_INVALID', `attachment ${d.name}: ${why}`);
  const cipher = await deriveContentCipher(d.key, LABELS.attachmentKey);
  const chunkCount = Math.max(1, Math.ceil(d.size / d.chunkSize));
  const digest = sha256Stream();
  let index = 0;
  let size = 0;
  for await (const ct of rechunk(encrypted, d.chunkSize + TAG_BYTES)) {
    if (index >= chunkCount) throw invalid('more data than its descriptor says');
    digest.update(ct);
    const pt = await cipher.decrypt(chunkNonce(index, index === chunkCount - 1), ct, ATTACHMENT_AAD);
    if (!pt) throw invalid(`chunk ${index} does not authenticate`);
    size += pt.length;
    index++;
    yield pt;
  }
  if (index !== chunkCount || size !== d.size) throw invalid('the stream is truncated');
  if (!constantTimeEqual(digest.digest(), d.digest)) throw invalid('the digest does not match');
}
