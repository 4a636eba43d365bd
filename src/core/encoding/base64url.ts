/**
 * Base64url (RFC 4648 §5, unpadded) on the platform's own codec where it has one. A sealed
 * cable carries hundreds of half-kilobyte key wraps as base64url, and decoding them in
 * JavaScript was the largest single cost of accepting one; the platform codecs do it several
 * times faster. Three codecs, one contract:
 * - `builtin`: `Uint8Array.fromBase64` / `toBase64` (TC39, in current browsers);
 * - `buffer`: the global `Buffer` of Node (core imports no Node built-in; it only uses the
 *   global when it is there);
 * - `portable`: plain JavaScript, the one every platform can run.
 *
 * Decisions:
 * - The platform decoders are lenient (both skip whitespace and take padding; Buffer also
 *   takes '+' and '/', skips what it cannot read, ignores spare bits and reads a character
 *   past U+00FF as its low byte). So they only decode; a text is accepted exactly when the
 *   canonical encoder gives it back from the bytes. That is the definition of the one
 *   canonical encoding, so every codec accepts the same texts and two different texts never
 *   decode to the same bytes.
 * - `base64url` is chosen once, when this module loads, from what the platform offers, and
 *   only after the codec passed a known answer (a polyfilled `Buffer` that pads or misreads
 *   is not used). It is a constant of the platform, not state: nothing changes it later.
 * - A `buffer` result owns its memory: Buffer puts a short result in a shared allocation
 *   pool, beside other values' bytes, and a copy of the view's `.buffer` (as `postMessage`
 *   makes) would carry them along; such a result is copied out (a few bytes; a wrap or a
 *   content is allocated on its own and kept as it is).
 * - `base64urlCodecs` lists every codec the platform has, for the agreement tests in Node
 *   and Chromium that hold each one to the portable codec.
 */

export interface Base64urlCodec {
  readonly name: 'builtin' | 'buffer' | 'portable';
  /** The canonical unpadded base64url of `bytes`. */
  encode(bytes: Uint8Array): string;
  /** The bytes of `text`, or undefined when `text` is not their canonical encoding. */
  decode(text: string): Uint8Array | undefined;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
// Encoding writes ASCII codes into a byte buffer and decodes it once: string concatenation
// of a half-megabyte cable (hundreds of key wraps) was the slowest step of sending one.
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const ascii = new TextDecoder('latin1');

// Indexes below are in range by construction; `?? 0` only satisfies noUncheckedIndexedAccess.
function encodePortable(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil((bytes.length * 4) / 3));
  let i = 0;
  let o = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = ENCODE[n >> 18] ?? 0;
    out[o++] = ENCODE[(n >> 12) & 63] ?? 0;
    out[o++] = ENCODE[(n >> 6) & 63] ?? 0;
    out[o++] = ENCODE[n & 63] ?? 0;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out[o++] = ENCODE[n >> 18] ?? 0;
    out[o++] = ENCODE[(n >> 12) & 63] ?? 0;
    if (rest === 2) out[o++] = ENCODE[(n >> 6) & 63] ?? 0;
  }
  return ascii.decode(out.subarray(0, o));
}

function decodePortable(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  const full = text.length - (text.length % 4);
  let o = 0;
  // Four characters make three bytes; an invalid character makes the sum negative.
  for (let i = 0; i < full; i += 4) {
    const a = lookup(text.charCodeAt(i));
    const b = lookup(text.charCodeAt(i + 1));
    const c = lookup(text.charCodeAt(i + 2));
    const d = lookup(text.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  const rest = text.length - full;
  if (rest > 0) {
    const a = lookup(text.charCodeAt(full));
    const b = lookup(text.charCodeAt(full + 1));
    const c = rest === 3 ? lookup(text.charCodeAt(full + 2)) : 0;
    if ((a | b | c) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 0xff;
    // RFC 4648 §3.5: the spare bits of the last character must be zero (canonical form).
    if ((rest === 2 ? n & 0xffff : n & 0xff) !== 0) return undefined;
  }
  return out;
}

// Codes past the table (and NaN past the end of the text) are no base64url character.
function lookup(code: number): number {
  return LOOKUP[code] ?? -1;
}

export const portableBase64url: Base64urlCodec = Object.freeze({
  name: 'portable',
  encode: encodePortable,
  decode: decodePortable,
});

/** The parts of the TC39 base64 methods used here (not yet in TypeScript's ES2023 lib). */
interface BuiltinBase64 {
  fromBase64(text: string, options: { alphabet: 'base64url'; lastChunkHandling: 'loose' }): Uint8Array;
}
interface BuiltinBytes {
  toBase64(options: { alphabet: 'base64url'; omitPadding: true }): string;
}

/** The codec on `Uint8Array.fromBase64`, when the platform has it. */
export function builtinBase64url(): Base64urlCodec | undefined {
  const from = (Uint8Array as unknown as Partial<BuiltinBase64>).fromBase64;
  const to = (Uint8Array.prototype as unknown as Partial<BuiltinBytes>).toBase64;
  if (typeof from !== 'function' || typeof to !== 'function') return undefined;
  const encode = (bytes: Uint8Array): string => to.call(bytes, { alphabet: 'base64url', omitPadding: true });
  return checked({
    name: 'builtin',
    encode,
    decode(text) {
      let bytes: Uint8Array;
      try {
        // Throws on a character outside the alphabet; whitespace, padding and spare bits
        // pass, and are refused by the comparison below.
        bytes = from.call(Uint8Array, text, { alphabet: 'base64url', lastChunkHandling: 'loose' });
      } catch {
        return undefined;
      }
      return encode(bytes) === text ? bytes : undefined;
    },
  });
}

/** The part of Node's `Buffer` used here (core has no Node types). */
interface BufferClass {
  from(text: string, encoding: 'base64url'): Uint8Array & BufferText;
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array & BufferText;
}
interface BufferText {
  toString(encoding: 'base64url'): string;
}

/** The codec on Node's global `Buffer`, when there is one. */
export function bufferBase64url(): Base64urlCodec | undefined {
  const buffer = (globalThis as { Buffer?: BufferClass }).Buffer;
  if (typeof buffer?.from !== 'function') return undefined;
  return checked({
    name: 'buffer',
    encode: (bytes) => buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url'),
    decode(text) {
      if (text.length % 4 === 1) return undefined;
      const decoded = buffer.from(text, 'base64url');
      // Buffer's decoder takes almost anything (see the module header): only the canonical
      // encoder's own output is accepted. The result is a plain Uint8Array, not a Buffer.
      if (decoded.toString('base64url') !== text) return undefined;
      const view = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
      // A pooled result shares its ArrayBuffer with other values: copied out (module header).
      return decoded.byteOffset === 0 && decoded.buffer.byteLength === decoded.length ? view : view.slice();
    },
  });
}

// A known answer: bytes that use both URL-safe characters and need no padding-free edge the
// platform might get wrong, and texts the codec must refuse.
const PROBE_BYTES = Uint8Array.of(0xfb, 0xff, 0xbf, 0x00, 0x10);
const PROBE_TEXT = '-_-_ABA';
const PROBE_REFUSED = ['-_-_ABB', '+/+/ABA', '-_-_ABA=', '-_-_ AB', '-_-_A'];

function checked(codec: Base64urlCodec): Base64urlCodec | undefined {
  try {
    const decoded = codec.decode(PROBE_TEXT);
    const works =
      codec.encode(PROBE_BYTES) === PROBE_TEXT &&
      decoded !== undefined &&
      decoded.length === PROBE_BYTES.length &&
      decoded.every((b, i) => b === PROBE_BYTES[i]) &&
      PROBE_REFUSED.every((text) => codec.decode(text) === undefined);
    return works ? Object.freeze(codec) : undefined;
  } catch {
    return undefined; // a platform codec that throws on a probe is not used
  }
}

/** Every codec this platform has, the portable one last. */
export function base64urlCodecs(): Base64urlCodec[] {
  return [builtinBase64url(), bufferBase64url(), portableBase64url].filter(
    (codec): codec is Base64urlCodec => codec !== undefined,
  );
}

/** The fastest codec this platform has: the standard one, then Node's, then the portable one. */
export const base64url: Base64urlCodec = builtinBase64url() ?? bufferBase64url() ?? portableBase64url;
