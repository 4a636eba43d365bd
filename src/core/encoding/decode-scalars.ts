/**
 * The scalar decoders of the kit (`decode.ts`): bounded strings, integers in a range,
 * booleans, literals, closed sets and base64url bytes. Each refuses the wrong type with an
 * EncodingError naming the field, and checks its own options when it is built.
 *
 * String lengths are counted in Unicode code points (what a person counts), and strings
 * must be well-formed Unicode, so every decoded value can be canonicalised again.
 */
import { fromBase64url } from './bytes.ts';
import type { Decoder } from './decode.ts';
import { bound, misconfigured, wrongType } from './decoder-checks.ts';
import { EncodingError, fieldName } from './encoding-error.ts';

export interface StringOptions {
  /** Fewest code points. Default 0. */
  readonly min?: number;
  /** Most code points; mandatory so no string is unbounded. */
  readonly max: number;
  /** Must match the whole string (it is applied as if anchored). */
  readonly pattern?: RegExp;
  /** The only values accepted. For a closed set that is also a type, use `enumOf`. */
  readonly oneOf?: readonly string[];
}

// With the `u` flag a surrogate pair is one code point, so this matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

/** A string of `min`..`max` Unicode code points, well-formed, optionally matching a pattern. */
export function string(options: StringOptions): Decoder<string> {
  const max = bound(options?.max, 'string', 'max');
  const min = options.min === undefined ? 0 : bound(options.min, 'string', 'min');
  if (min > max) throw misconfigured('string', 'min', 'must not be greater than max');
  const pattern = options.pattern === undefined ? undefined : wholeMatch(options.pattern);
  const oneOf = options.oneOf === undefined ? undefined : new Set(options.oneOf);
  const expected = `a string of ${min === max ? max : `${min} to ${max}`} characters`;

  return (value, field) => {
    if (typeof value !== 'string') throw wrongType(field, expected, value);
    // Code points are between length/2 and length: decide cheaply before counting.
    const length = value.length / 2 > max ? Number.POSITIVE_INFINITY : codePoints(value);
    if (length < min || length > max) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        field,
        `${fieldName(field)}: expected ${expected}, got ${length === Number.POSITIVE_INFINITY ? 'more' : length}`,
      );
    }
    if (LONE_SURROGATE.test(value)) {
      throw new EncodingError(
        'INVALID_VALUE',
        field,
        `${fieldName(field)}: must be valid Unicode, found a lone surrogate`,
      );
    }
    if (pattern && !pattern(value)) {
      throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: must match ${options.pattern}`);
    }
    if (oneOf && !oneOf.has(value)) {
      throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: must be one of ${listOf(oneOf)}`);
    }
    return value;
  };
}

/** A safe integer in `min`..`max`. Floats, NaN, Infinity and numeric strings are refused. */
export function integer(options: { readonly min: number; readonly max: number }): Decoder<number> {
  const { min, max } = options ?? {};
  if (!Number.isSafeInteger(min)) throw misconfigured('integer', 'min', 'must be a safe integer');
  if (!Number.isSafeInteger(max)) throw misconfigured('integer', 'max', 'must be a safe integer');
  if (min > max) throw misconfigured('integer', 'min', 'must not be greater than max');
  const expected = `an integer from ${min} to ${max}`;
  return (value, field) => {
    if (typeof value !== 'number') throw wrongType(field, expected, value);
    if (!Number.isSafeInteger(value)) {
      throw new EncodingError(
        'INVALID_VALUE',
        field,
        `${fieldName(field)}: expected ${expected}, got ${value}`,
      );
    }
    if (value < min || value > max) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        field,
        `${fieldName(field)}: expected ${expected}, got ${value}`,
      );
    }
    return value === 0 ? 0 : value; // -0 and 0 are one value on the wire
  };
}

export function boolean(): Decoder<boolean> {
  return (value, field) => {
    if (typeof value !== 'boolean') throw wrongType(field, 'true or false', value);
    return value;
  };
}

/** Exactly `expected`: for tags such as `kind: literal('SealedCable')` and version numbers. */
export function literal<const V extends string | number | boolean | null>(expected: V): Decoder<V> {
  const shown = JSON.stringify(expected);
  return (value, field) => {
    if (value !== expected) {
      throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: expected ${shown}`);
    }
    return expected;
  };
}

/** One member of an `as const` tuple of strings; the decoded type is the tuple's union. */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T): Decoder<T[number]> {
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) {
    throw misconfigured('enumOf', 'values', 'must be a non-empty tuple of strings');
  }
  const members = new Set<string>(values);
  const expected = `one of ${listOf(members)}`;
  return (value, field) => {
    if (typeof value !== 'string') throw wrongType(field, expected, value);
    if (!members.has(value))
      throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: expected ${expected}`);
    return value as T[number];
  };
}

export type BytesOptions = { readonly length: number } | { readonly min?: number; readonly max: number };

/**
 * Bytes sent as canonical unpadded base64url (RFC 4648 §5); a fresh copy each time.
 *
 * A Uint8Array is taken as bytes already decoded, with the same length checks, and kept as
 * it is (whoever passes it gives it up): JSON never holds one, but a body parsed on a worker
 * thread arrives with its long base64url strings so (docs/design.md §7), as views of one
 * buffer, and copying each out again would cost what the worker saved.
 */
export function bytes(options: BytesOptions): Decoder<Uint8Array> {
  let min: number;
  let max: number;
  if (options !== null && typeof options === 'object' && 'length' in options) {
    min = max = bound(options.length, 'bytes', 'length');
  } else {
    max = bound(options?.max, 'bytes', 'max');
    min = options.min === undefined ? 0 : bound(options.min, 'bytes', 'min');
    if (min > max) throw misconfigured('bytes', 'min', 'must not be greater than max');
  }
  const maxChars = Math.ceil((max * 4) / 3);
  const expected = `${min === max ? max : `${min} to ${max}`} bytes as base64url`;
  const sized = (bytes: Uint8Array, field: string): Uint8Array => {
    if (bytes.length < min || bytes.length > max) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        field,
        `${fieldName(field)}: expected ${expected}, got ${bytes.length}`,
      );
    }
    return bytes;
  };
  return (value, field) => {
    if (value instanceof Uint8Array) return sized(value, field);
    if (typeof value !== 'string') throw wrongType(field, expected, value);
    // Check the size from the text length first, so a huge string costs no decoding.
    if (value.length > maxChars) {
      throw new EncodingError('OUT_OF_RANGE', field, `${fieldName(field)}: expected ${expected}, got more`);
    }
    const decoded = fromBase64url(value);
    if (decoded === undefined) {
      throw new EncodingError(
        'INVALID_VALUE',
        field,
        `${fieldName(field)}: expected ${expected} (unpadded, A-Z a-z 0-9 - _, canonical)`,
      );
    }
    return sized(decoded, field);
  };
}

function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// A copy of the pattern without the stateful flags (g, y), tested for a whole-string match.
function wholeMatch(pattern: RegExp): (text: string) => boolean {
  if (!(pattern instanceof RegExp)) throw misconfigured('string', 'pattern', 'must be a RegExp');
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (text) => {
    const m = re.exec(text);
    return m !== null && m.index === 0 && m[0].length === text.length;
  };
}

function listOf(values: Iterable<string>): string {
  const all = [...values];
  const shown = all.slice(0, 12).map((v) => JSON.stringify(v));
  return all.length > 12 ? `${shown.join(', ')}, …` : shown.join(', ');
}
