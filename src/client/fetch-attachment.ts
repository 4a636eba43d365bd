/**
 * Downloads one attachment of a cable this device opened: the server hands the
 * ciphertext to an entitled device only, after logging the fetch; `openAttachment` checks
 * every chunk and the digest from the signed content before a byte is returned, so a blob
 * swapped by the server is a CableError, never wrong data.
 */

import { ROUTES } from '../core/api/routes.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import { openAttachment } from '../core/cable/open-attachment.ts';
import { concatBytes, toBase64url } from '../core/encoding/bytes.ts';
import type { ApiClient } from './api-client.ts';

export async function fetchAttachment(
  session: { readonly api: ApiClient },
  cableId: string,
  descriptor: AttachmentDescriptor,
): Promise<Uint8Array> {
  const encrypted = await session.api.download(ROUTES.attachment, {
    params: { id: cableId, digest: toBase64url(descriptor.digest) },
  });
  const parts: Uint8Array[] = [];
  for await (const part of openAttachment(descriptor, encrypted)) parts.push(part);
  return concatBytes(...parts);
}
