/**
 * Encrypts an attachment as a stream of fixed-size chunks (the STREAM construction of
 * Hoang, Reyhanitabar, Rogaway and Vizár): chunk i is sealed with nonce = i (11 bytes,
 * big-endian) || last-flag, so chunks cannot be reordered, dropped or the stream cut
 * short without detection. Only one chunk of plaintext and one of ciphertext are held at a
 * time, so a 25 MiB attachment never needs twice its size in memory.
 */

import { deriveContentCipher, TAG_BYTES } from '../crypto/content-cipher.ts';
import { isBytes } from '../crypto/hpke/input-checks.ts';
import { LABELS } from '../crypto/labels.ts';
import { sha256Stream } from '../crypto/sha256.ts';
import { concatBytes, i2osp, randomBytes, utf8 } from '../encoding/bytes.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { AttachmentDescriptor } from './cable-content.ts';
import { DEFAULT_ATTACHMENT_LIMIT, DEFAULT_CHUNK_SIZE, decodeAttachmentDescriptor } from './cable-content.ts';
import { CableError, decoded } from './cable-error.ts';

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
  if (!Number.isSafeInteger(index) || index < 0 || typeof last !== 'boolean') {
    throw new CableError(
      'ATTACHMENT_INVALID',
      'a chunk nonce needs a chunk index (0 or more) and a last flag',
    );
  }
  return concatBytes(i2osp(index, 11), Uint8Array.of(last ? 1 : 0));
}

export const ATTACHMENT_AAD = utf8(LABELS.attachmentKey);

/** The largest chunk re-cut: the largest chunk size a descriptor allows, with its AEAD tag. */
const MAX_RECHUNK = 4 * 1024 * 1024 + TAG_BYTES;

/** Re-cuts a stream of pieces into chunks of exactly `size` bytes (the last may be shorter). */
export async function* rechunk(
  source: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_RECHUNK) {
    throw new CableError('ATTACHMENT_INVALID', `the chunk size must be an integer from 1 to ${MAX_RECHUNK}`);
  }
  const pieces = isBytes(source) ? [source] : source;
  if (
    typeof pieces !== 'object' ||
    pieces === null ||
    (typeof (pieces as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] !== 'function' &&
      typeof (pieces as Partial<Iterable<Uint8Array>>)[Symbol.iterator] !== 'function')
  ) {
    throw new CableError('ATTACHMENT_INVALID', 'attachment data must be bytes or a stream of bytes');
  }
  let pending = new Uint8Array(size);
  let filled = 0;
  for await (const piece of pieces) {
    if (!isBytes(piece)) throw new CableError('ATTACHMENT_INVALID', 'attachment data must be bytes');
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

/**
 * Starts sealing an attachment. It never throws: every failure, a malformed input or options
 * included, comes out of `chunks` (and rejects `descriptor`) as a CableError.
 */
export function sealAttachment(input: AttachmentInput, options: AttachmentOptions = {}): SealingAttachment {
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
      if (typeof input !== 'object' || input === null || typeof options !== 'object' || options === null) {
        throw new CableError('MALFORMED', 'sealAttachment needs { name, type, data } and options as objects');
      }
      const maxSize = options.maxSize === undefined ? DEFAULT_ATTACHMENT_LIMIT : options.maxSize;
      const chunkSize = options.chunkSize === undefined ? DEFAULT_CHUNK_SIZE : options.chunkSize;
      if (!Number.isSafeInteger(maxSize) || maxSize < 0) {
        throw new CableError('MALFORMED', 'options.maxSize must be a number of bytes');
      }
      // Validate the name, type and chunk size before any work, with the descriptor's own decoder.
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
            `attachment ${input.name} is over the ${maxSize}-byte limit; split it into parts, each its own attachment`,
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
