/**
 * The decoder kit every model is built from. A decoder takes an untrusted value and the
 * path of the field it came from, and returns a typed, frozen value or throws an
 * EncodingError naming that path. Types are inferred from the decoders, so a model's type
 * and its validation can never disagree.
 *
 * Decisions:
 * - Everything is bounded: strings, arrays and bytes need a `max`, integers a range.
 * - `object` is strict: an unknown field (including `__proto__`, `constructor`,
 *   `prototype`) or a missing required one is an error, never ignored or defaulted.
 * - String lengths are counted in Unicode code points (what a person counts), and strings
 *   must be well-formed Unicode, so every decoded value can be canonicalised again.
 * - Output is fresh and frozen; inputs are read through property descriptors, so a getter
 *   in a hostile in-memory object is refused rather than run.
 * - A misconfigured decoder (say `min > max`) throws EncodingError 'INVALID_VALUE' naming
 *   the option when it is built, at import time, not when the first document arrives.
 */
import { fromBase64url } from './bytes.ts';
import {
  canonicalize,
  type JsonValue,
  type ParseLimits,
  parseCanonical,
  parseJson,
} from './canonical-json.ts';
import { childField, EncodingError, fieldName } from './encoding-error.ts';

export type Decoder<T> = (value: unknown, field: string) => T;

/** A decoder whose field may be absent from an object; see `optional`. */
export interface OptionalDecoder<T> {
  (value: unknown, field: string): T | undefined;
  readonly optional: true;
}

/** The type a decoder produces. */
export type Infer<D> = D extends OptionalDecoder<infer T> ? T : D extends Decoder<infer T> ? T : never;

export type Shape = { readonly [key: string]: Decoder<unknown> | OptionalDecoder<unknown> };

type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends { readonly optional: true } ? K : never;
}[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The object type a shape decodes to: optional fields are `?:`, every field readonly. */
export type ObjectOf<S extends Shape> = Simplify<
  { readonly [K in RequiredKeys<S>]: Infer<S[K]> } & { readonly [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// ---------------------------------------------------------------------------------------
// Scalars

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

/** Bytes sent as canonical unpadded base64url (RFC 4648 §5); a fresh copy each time. */
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
  return (value, field) => {
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
    if (decoded.length < min || decoded.length > max) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        field,
        `${fieldName(field)}: expected ${expected}, got ${decoded.length}`,
      );
    }
    return decoded;
  };
}

// ---------------------------------------------------------------------------------------
// Containers

export interface ArrayOptions {
  /** Fewest items. Default 0. */
  readonly min?: number;
  /** Most items; mandatory so no array is unbounded. */
  readonly max: number;
  /** Refuse two items with the same canonical form. */
  readonly unique?: boolean;
}

/** An array of `min`..`max` items, each decoded by `item`; returned frozen. */
export function array<T>(item: Decoder<T>, options: ArrayOptions): Decoder<readonly T[]> {
  if (typeof item !== 'function') throw misconfigured('array', 'item', 'must be a decoder');
  const max = bound(options?.max, 'array', 'max');
  const min = options.min === undefined ? 0 : bound(options.min, 'array', 'min');
  if (min > max) throw misconfigured('array', 'min', 'must not be greater than max');
  const unique = options.unique === true;
  const expected = `an array of ${min === max ? max : `${min} to ${max}`} items`;

  return (value, field) => {
    if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) {
      throw wrongType(field, expected, value);
    }
    // Check the count before decoding any item, so a huge array costs nothing.
    if (value.length < min || value.length > max) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        field,
        `${fieldName(field)}: expected ${expected}, got ${value.length}`,
      );
    }
    const out: T[] = [];
    const seen = unique ? new Map<string, number>() : undefined;
    for (let i = 0; i < value.length; i++) {
      const itemField = childField(field, i);
      const decoded = item(readOwn(value, i, itemField).value, itemField);
      if (seen) {
        // Decoders are strict, so a raw item that decoded is canonicalisable; equal canonical
        // forms are equal values (base64url is canonical too).
        const key = canonicalize(value[i] as JsonValue);
        const first = seen.get(key);
        if (first !== undefined) {
          throw new EncodingError(
            'INVALID_VALUE',
            itemField,
            `${itemField}: repeats item ${first}; items must be unique`,
          );
        }
        seen.set(key, i);
      }
      out.push(decoded);
    }
    return Object.freeze(out);
  };
}

/** Marks a field of `object` as optional: absent in the input, absent in the output. */
export function optional<T>(decoder: Decoder<T>): OptionalDecoder<T> {
  if (typeof decoder !== 'function') throw misconfigured('optional', 'decoder', 'must be a decoder');
  const wrapped = (value: unknown, field: string): T | undefined =>
    value === undefined ? undefined : decoder(value, field);
  return Object.assign(wrapped, { optional: true as const });
}

/**
 * A plain object with exactly the fields of `shape`: unknown fields and missing required
 * fields are errors. Returns a fresh frozen object in shape order.
 */
export function object<S extends Shape>(shape: S): Decoder<ObjectOf<S>> {
  if (shape === null || typeof shape !== 'object' || Array.isArray(shape)) {
    throw misconfigured('object', 'shape', 'must be an object of decoders');
  }
  const fields = new Map<string, Decoder<unknown> | OptionalDecoder<unknown>>();
  for (const key of Object.keys(shape)) {
    const decoder = shape[key];
    if (typeof decoder !== 'function') throw misconfigured('object', `shape.${key}`, 'must be a decoder');
    if (FORBIDDEN_KEYS.has(key))
      throw misconfigured('object', `shape.${key}`, 'is not allowed as a field name');
    fields.set(key, decoder);
  }
  const expectedKeys = [...fields.keys()].join(', ');

  return (value, field) => {
    if (!isPlainObject(value)) throw wrongType(field, `an object with fields ${expectedKeys}`, value);
    // Unknown fields first: a hostile document is refused before any field is decoded.
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key !== 'string' || !fields.has(key)) {
        const f = childField(field, typeof key === 'string' ? key : String(key));
        throw new EncodingError(
          'UNKNOWN_FIELD',
          f,
          `${f}: unknown field; ${fieldName(field)} has only ${expectedKeys || 'no fields'}`,
        );
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, decoder] of fields) {
      const f = childField(field, key);
      const own = readOwn(value, key, f);
      if (!own.present || own.value === undefined) {
        if ('optional' in decoder && decoder.optional === true) continue;
        throw new EncodingError('MISSING_FIELD', f, `${f}: required field is missing`);
      }
      out[key] = decoder(own.value, f);
    }
    return Object.freeze(out) as ObjectOf<S>;
  };
}

/**
 * Adds a check to a decoder: `check` returns undefined when the value is fine, or what was
 * expected (`'a deadline after the date-time group'`), which becomes an INVALID_VALUE error.
 */
export function refine<T>(decoder: Decoder<T>, check: (value: T) => string | undefined): Decoder<T> {
  if (typeof decoder !== 'function') throw misconfigured('refine', 'decoder', 'must be a decoder');
  if (typeof check !== 'function') throw misconfigured('refine', 'check', 'must be a function');
  return (value, field) => {
    const decoded = decoder(value, field);
    const expected = check(decoded);
    if (expected !== undefined) {
      throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: expected ${expected}`);
    }
    return decoded;
  };
}

// ---------------------------------------------------------------------------------------
// Documents

/** Parses a canonical document (RFC 8785, byte for byte) and decodes it. */
export function decodeCanonical<T>(input: Uint8Array | string, decoder: Decoder<T>, limits?: ParseLimits): T {
  if (typeof decoder !== 'function') throw misconfigured('decodeCanonical', 'decoder', 'must be a decoder');
  return decoder(parseCanonical(input, limits), '');
}

/** Parses any valid JSON (an HTTP body, say) and decodes it strictly. */
export function decodeJson<T>(input: Uint8Array | string, decoder: Decoder<T>, limits?: ParseLimits): T {
  if (typeof decoder !== 'function') throw misconfigured('decodeJson', 'decoder', 'must be a decoder');
  return decoder(parseJson(input, limits), '');
}

// ---------------------------------------------------------------------------------------
// Helpers

function isPlainObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Reads an own data property without running getters or following the prototype chain.
function readOwn(target: object, key: string | number, field: string): { present: boolean; value: unknown } {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor === undefined) return { present: false, value: undefined };
  if (!('value' in descriptor)) {
    throw new EncodingError('WRONG_TYPE', field, `${field}: expected a data value, got an accessor`);
  }
  return { present: true, value: descriptor.value };
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

function bound(value: unknown, builder: string, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw misconfigured(builder, option, 'must be a non-negative integer');
  }
  return value;
}

function misconfigured(builder: string, option: string, what: string): EncodingError {
  const f = `${builder}.${option}`;
  return new EncodingError('INVALID_VALUE', f, `${builder}(): ${option} ${what}; fix the decoder definition`);
}

function wrongType(field: string, expected: string, value: unknown): EncodingError {
  return new EncodingError(
    'WRONG_TYPE',
    field,
    `${fieldName(field)}: expected ${expected}, got ${typeName(value)}`,
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return isPlainObject(value) ? 'an object' : 'a non-plain object';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

function listOf(values: Iterable<string>): string {
  const all = [...values];
  const shown = all.slice(0, 12).map((v) => JSON.stringify(v));
  return all.length > 12 ? `${shown.join(', ')}, …` : shown.join(', ');
}
