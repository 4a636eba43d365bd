/**
 * Encrypts an attachment as a stream of fixed-size chunks (the STREAM construction of
 * Hoang, Reyhanitabar, Rogaway and Vizár): chunk i is sealed with nonce = i (11 bytes,
 * big-endian) || last-flag, so chunks cannot be reordered, dropped or the stream cut
 * short without detection. Only one chunk of plaintext and one of ciphertext are held at a
 * time, so a 25 MiB attachment never needs twice its size in memory.
 */
import { concatBytes, i2osp, randomBytes, utf8 } from './bytes.ts';
import type { AttachmentDescriptor } from './cable-content.ts';
import { DEFAULT_ATTACHMENT_LIMIT, DEFAULT_CHUNK_SIZE, decodeAttachmentDescriptor } from './cable-content.ts';
import { CableError, decoded } from './cable-error.ts';
import { deriveContentCipher } from './content-cipher.ts';
import { LABELS } from './labels.ts';
import { sha256Stream } from './sha256.ts';
import { toJsonValue } from './to-json.ts';

export interface AttachmentInput {
  readonly name: string;
  readonly type: string;
  /** The plaintext, whole or as a stream of pieces of any size. */
  readonly data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface AttachmentOptions {
  readonly maxSize?: number;
  readonly chunkSize?: number;
}

export interface SealingAttachment {
  /** The encrypted stream; read it to the end before awaiting `descriptor`. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Resolves once `chunks` has been read to the end. */
  readonly descriptor: Promise<AttachmentDescriptor>;
}

export function chunkNonce(index: number, last: boolean): Uint8Array {
  return concatBytes(i2osp(index, 11), Uint8Array.of(last ? 1 : 0));
}

export const ATTACHMENT_AAD = utf8(LABELS.attachmentKey);

/** Re-cuts a stream of pieces into chunks of exactly `size` bytes (the last may be shorter). */
export async function* rechunk(
  source: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  const pieces = source instanceof Uint8Array ? [source] : source;
  let pending = new Uint8Array(size);
  let filled = 0;
  for await (const piece of pieces) {
    if (!(piece instanceof Uint8Array))
      throw new CableError('ATTACHMENT_INVALID', 'attachment data must be bytes');
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(size - filled, piece.length - offset);
      pending.set(piece.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        yield pending;
        pending = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pending.subarray(0, filled);
}

export function sealAttachment(input: AttachmentInput, options: AttachmentOptions = {}): SealingAttachment {
  const maxSize = options.maxSize ?? DEFAULT_ATTACHMENT_LIMIT;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const key = randomBytes(32);
  let resolve!: (d: AttachmentDescriptor) => void;
  let reject!: (e: unknown) => void;
  const descriptor = new Promise<AttachmentDescriptor>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers who never read the stream must not see an unhandled rejection.
  descriptor.catch(() => {});

  async function* encrypt(): AsyncGenerator<Uint8Array> {
    try {
      // Validate the name and type before any work, with the descriptor's own decoder.
      decoded(() =>
        decodeAttachmentDescriptor(
          toJsonValue({
            name: input.name,
            type: input.type,
            size: 0,
            chunkSize,
            key,
            digest: new Uint8Array(32),
          }),
          'attachment',
        ),
      );
      const cipher = await deriveContentCipher(key, LABELS.attachmentKey);
      const digest = sha256Stream();
      let size = 0;
      let index = 0;
      let held: Uint8Array | undefined;
      const seal = async (chunk: Uint8Array, last: boolean) => {
        const ct = await cipher.encrypt(chunkNonce(index++, last), chunk, ATTACHMENT_AAD);
        digest.update(ct);
        return ct;
      };
      // Hold one chunk back: only when the next arrives do we know it is not the last.
      for await (const chunk of rechunk(input.data, chunkSize)) {
        size += chunk.length;
        if (size > maxSize) {
          throw new CableError(
            'TOO_LARGE',
            `attachment ${input.name} is over the ${maxSize}-byte limit; split it or send a link`,
          );
        }
        if (held) yield await seal(held, false);
        held = chunk;
      }
      yield await seal(held ?? new Uint8Array(0), true);
      resolve({ name: input.name, type: input.type, size, chunkSize, key, digest: digest.digest() });
    } catch (error) {
      reject(error);
      throw error;
    }
  }
  return { chunks: encrypt(), descriptor };
}
