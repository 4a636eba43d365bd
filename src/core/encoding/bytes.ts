/**
 * Byte helpers shared by every core module: base64url (RFC 4648 §5, no padding), UTF-8,
 * concatenation, big-endian integers and a constant-time comparison for secrets.
 * Runs unchanged in Node and the browser; base64url uses the platform's codec (base64url.ts).
 *
 * The encoders and `i2osp` check their arguments and throw EncodingError naming the one that
 * is wrong; the readers (`fromBase64url`, `fromUtf8`, `fromHex`) answer undefined for anything
 * that is not what they read, and `constantTimeEqual` answers false.
 */
import { base64url } from './base64url.ts';
import { EncodingError } from './encoding-error.ts';

// Longer integers than this are never encoded; the bound keeps a hostile length from allocating.
const MAX_I2OSP_LENGTH = 64;
const MAX_RANDOM_BYTES = 65_536;

// %TypedArray%.prototype[@@toStringTag] reads an internal slot: a Proxy, a look-alike or an
// object made from Uint8Array.prototype is not bytes, and asking runs none of its code.
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype),
  Symbol.toStringTag,
)?.get;

function isBytes(value: unknown): value is Uint8Array {
  return typedArrayTag === undefined
    ? value instanceof Uint8Array
    : typedArrayTag.call(value) === 'Uint8Array';
}

function requireBytes(value: unknown, field: string): Uint8Array {
  if (!isBytes(value)) {
    throw new EncodingError('WRONG_TYPE', field, `${field}: expected a Uint8Array, got ${typeName(value)}`);
  }
  return value;
}

// A short, safe description for messages: never the value itself when it could be huge.
function typeName(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The byte at `index`; past the end is a caller's bug (a RangeError), never bad input. */
export function byteAt(bytes: Uint8Array, index: number): number {
  const byte = bytes[index];
  if (byte === undefined) throw new RangeError(`no byte at index ${index} of ${bytes.length}`);
  return byte;
}

/** The big-endian uint32 at `offset`; a RangeError when fewer than four bytes are left. */
export function uint32At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset);
}

export function toBase64url(bytes: Uint8Array): string {
  return base64url.encode(requireBytes(bytes, 'bytes'));
}

/**
 * Decodes unpadded base64url. Returns undefined for anything that is not the one canonical
 * encoding of some bytes (bad characters, padding, a length of 1 mod 4, non-zero spare bits),
 * so that two different strings never decode to the same bytes.
 */
export function fromBase64url(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  return base64url.decode(text);
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(text: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new EncodingError('WRONG_TYPE', 'text', `text: expected a string, got ${typeName(text)}`);
  }
  return encoder.encode(text);
}

/** Decodes UTF-8, or returns undefined for invalid sequences (never U+FFFD substitution). */
export function fromUtf8(bytes: Uint8Array): string | undefined {
  if (!isBytes(bytes)) return undefined;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    // The field is named only when it is wrong: a string per part showed in sealing profiles.
    length += (isBytes(part) ? part : requireBytes(part, `parts[${i}]`)).length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** I2OSP (RFC 8017 §4.1): `value` as `length` big-endian bytes. */
export function i2osp(value: number, length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_I2OSP_LENGTH) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      'length',
      `length: expected an integer from 0 to ${MAX_I2OSP_LENGTH}, got ${typeName(length)}`,
    );
  }
  if (!Number.isSafeInteger(value) || value < 0 || (length < 7 && value >= 2 ** (8 * length))) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      'value',
      `value: expected an integer that fits in ${length} bytes, got ${typeName(value)}`,
    );
  }
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** Compares two byte strings in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!isBytes(a) || !isBytes(b)) return false;
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= byteAt(a, i) ^ byteAt(b, i);
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  requireBytes(bytes, 'bytes');
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(hex: string): Uint8Array | undefined {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** `length` random bytes, at most 65,536 (what one `getRandomValues` call may fill). */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_RANDOM_BYTES) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      'length',
      `length: expected an integer from 0 to ${MAX_RANDOM_BYTES}, got ${typeName(length)}`,
    );
  }
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}
