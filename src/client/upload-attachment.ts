/**
 * Uploads one attachment: seals it with its own key (`sealAttachment`) and PUTs the
 * ciphertext under its SHA-256, which the server checks. The descriptor it resolves with (key
 * and digest included) goes into the cable's encrypted content, so the signed header commits
 * to it; the server only ever holds ciphertext.
 */

import { ROUTES } from '../core/api/routes.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import {
  type AttachmentInput,
  type AttachmentOptions,
  sealAttachment,
} from '../core/cable/seal-attachment.ts';
import { concatBytes, toBase64url } from '../core/encoding/bytes.ts';
import { object, string } from '../core/encoding/decode.ts';
import type { ApiClient } from './api-client.ts';

export type { AttachmentInput } from '../core/cable/seal-attachment.ts';

const _decodeUploaded = object({ digest: string({ max: 64 }) });

export async function uploadAttachment(
  api: ApiClient,
  input: AttachmentInput,
  options: AttachmentOptions = {},
): Promise<AttachmentDescriptor> {
  const sealing = sealAttachment(input, options);
  // The PUT names the digest, known only once the whole stream is sealed.
  const chunks: Uint8Array[] = [];
  for await (const chunk of sealing.chunks) chunks.push(chunk);
  const descriptor = await sealing.descriptor;
  await api.call(ROUTES.uploadAttachment, {
    params: { digest: toBase64url(descriptor.digest) },
    bytes: concatBytes(...chunks),
  });
  return descriptor;
}
