/**
 * A sealed cable as it travels: the signed header, the content ciphertext, from format 4
 * the sealed summary (cable-summary.ts), and the key wraps. The server stores it whole and hands each device the header, the content and that
 * device's wrap only. Built by `sealCable` or by `decodeSealedCable`, never by casting.
 */

import { toBase64url } from '../encoding/bytes.ts';
import type { JsonValue } from '../encoding/canonical-json.ts';
import type { Decoder } from '../encoding/decode.ts';
import { array, bytes, object, optional } from '../encoding/decode.ts';
import { childField, EncodingError } from '../encoding/encoding-error.ts';
import { decodeDeviceId, decodeEd25519Signature } from '../encoding/identifiers.ts';
import type { BytesValue } from '../encoding/json-with-bytes.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { CableHeader } from './cable-header.ts';
import {
  decodeCableHeader,
  MAX_CONTENT_BYTES,
  MAX_RECIPIENTS,
  SUMMARY_FORMAT_VERSION,
} from './cable-header.ts';
import { MAX_SUMMARY_BYTES } from './cable-summary.ts';

/** X-Wing encapsulation (1120 bytes) and the AEAD-wrapped 32-byte content key. */
export const WRAP_ENC_BYTES = 1120;
export const WRAP_KEY_BYTES = 48;

export interface KeyWrap {
  readonly device: string;
  readonly enc: Uint8Array;
  readonly key: Uint8Array;
}

export interface SealedCable {
  readonly kind: 'SealedCable';
  readonly header: CableHeader;
  readonly signature: Uint8Array;
  readonly content: Uint8Array;
  /** Format 4: the subject and tags sealed apart, which the header's `summaryHash` commits to. */
  readonly summary?: Uint8Array;
  /** Sorted by device; all of them from the sender, one (the reader's) from the server. */
  readonly wraps: readonly KeyWrap[];
}

export const decodeKeyWrap: Decoder<KeyWrap> = object({
  device: decodeDeviceId,
  enc: bytes({ length: WRAP_ENC_BYTES }),
  key: bytes({ length: WRAP_KEY_BYTES }),
});

const decodeShape = object({
  header: decodeCableHeader,
  signature: decodeEd25519Signature,
  content: bytes({ min: 1, max: MAX_CONTENT_BYTES }),
  summary: optional(bytes({ min: 1, max: MAX_SUMMARY_BYTES })),
  wraps: array(decodeKeyWrap, { max: MAX_RECIPIENTS }),
});

/**
 * The cables `decodeSealedCable` built. Such a cable is frozen all the way down to its byte
 * arrays (whose lengths cannot change), so decoding it again would find what the decoder
 * found: `isDecodedSealedCable` lets a checker skip that second pass over half a megabyte of
 * wraps. A brand, like a class's private field: it holds no state anyone reads otherwise.
 */
const DECODED = new WeakSet<SealedCable>();

/** True for a cable built by `decodeSealedCable` (never for a copy or a look-alike). */
export function isDecodedSealedCable(value: unknown): value is SealedCable {
  return typeof value === 'object' && value !== null && DECODED.has(value as SealedCable);
}

export const decodeSealedCable: Decoder<SealedCable> = (value, field) => {
  if (typeof field !== 'string') {
    throw new EncodingError('WRONG_TYPE', '', 'field: expected a path such as "cable" (a string)');
  }
  const shape = decodeShape(value, field);
  if (shape.summary !== undefined && shape.header.v < SUMMARY_FORMAT_VERSION) {
    throw new EncodingError(
      'INVALID_VALUE',
      childField(field, 'summary'),
      'a sealed summary needs format version 4',
    );
  }
  let previous: string | undefined;
  for (const { device } of shape.wraps) {
    if (previous !== undefined && !(previous < device)) {
      throw new EncodingError(
        'NOT_CANONICAL',
        childField(field, 'wraps'),
        'wraps must be sorted by device, each once',
      );
    }
    previous = device;
  }
  const cable: SealedCable = Object.freeze({ kind: 'SealedCable', ...shape });
  DECODED.add(cable);
  return cable;
};

/** The JSON form of a cable (without its `kind` tag), once it decodes: nothing malformed leaves. */
export function encodeSealedCable(cable: SealedCable): JsonValue {
  return checked(cable).json;
}

/**
 * The cable's document with its byte strings (content, summary, every wrap's `enc` and `key`)
 * as bytes, for a body with a bytes section (json-with-bytes.ts): the same document as
 * `encodeSealedCable`'s, from a cable the decoder has checked, without 450 KB of base64url
 * for 300 devices.
 */
export function sealedCableDocument(cable: SealedCable): BytesValue {
  // A decoded cable's parts are what the decoder checked; any other is checked first.
  const whole = isDecodedSealedCable(cable) ? cable : checked(cable).cable;
  return {
    header: toJsonValue(whole.header),
    signature: toBase64url(whole.signature),
    content: whole.content,
    ...(whole.summary === undefined ? {} : { summary: whole.summary }),
    wraps: whole.wraps.map((w) => ({ device: w.device, enc: w.enc, key: w.key })),
  };
}

/** The same cable with only `device`'s wrap: what the server delivers to one device. */
export function forDevice(cable: SealedCable, device: string): SealedCable {
  const id = decodeDeviceId(device, 'device');
  const whole = checked(cable).cable;
  // Decoded parts, and a subset of sorted unique wraps is sorted and unique: decoded too.
  const delivered: SealedCable = Object.freeze({
    ...whole,
    wraps: Object.freeze(whole.wraps.filter((w) => w.device === id)),
  });
  DECODED.add(delivered);
  return delivered;
}

// The wire JSON of a cable, without `kind` (the type's tag), and the cable it decodes to.
// Wrapping the cable in `{ cable }` makes every error name its field as `cable.…`.
function checked(cable: unknown): { json: JsonValue; cable: SealedCable } {
  let json = (toJsonValue({ cable }) as { cable?: JsonValue }).cable;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const { kind: _kind, ...rest } = json as { readonly [k: string]: JsonValue };
    json = rest;
  }
  const decodedCable = decodeSealedCable(json, 'cable');
  return { json: json as JsonValue, cable: decodedCable };
}
