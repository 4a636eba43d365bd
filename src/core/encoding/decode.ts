/**
 * The decoder kit every model is built from: the decoder types, the containers (`array`,
 * `optional`, `object`, `refine`) and whole documents; the scalars are in
 * `decode-scalars.ts` and re-exported here. A decoder takes an untrusted value and the
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
import { canonicalize, type JsonValue, parseCanonical } from './canonical-json.ts';
import { bound, isPlainObject, misconfigured, readOwn, wrongType } from './decoder-checks.ts';
import { childField, EncodingError, fieldName } from './encoding-error.ts';
import { type ParseLimits, parseJson } from './parse-json.ts';

// The scalar decoders live apart (decode-scalars.ts); the kit is reached here, whole.
export {
  type BytesOptions,
  boolean,
  bytes,
  enumOf,
  integer,
  literal,
  type StringOptions,
  string,
} from './decode-scalars.ts';

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
