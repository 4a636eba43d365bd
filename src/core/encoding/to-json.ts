/**
 * Turns a model value into the JSON value its canonical encoding is made from: byte
 * strings become base64url text, absent optional fields are left out. The decoders are
 * the inverse, so `decode(toJsonValue(x))` gives back `x`.
 *
 * It is the gate every hand-built object passes before it is decoded, signed or hashed, so
 * it holds the same line as the decoders: plain objects, arrays, Uint8Arrays and JSON
 * scalars only; getters are refused, not run; a cycle, a hole, a non-finite number or
 * nesting deeper than a document may have is an EncodingError naming the field. A value
 * that cannot even be inspected (a revoked Proxy, a Proxy whose traps throw) is refused too.
 */
import { toBase64url } from './bytes.ts';
import {
  EncodingError,
  type EncodingErrorCode,
  type FieldPath,
  fieldName,
  fieldOf,
} from './encoding-error.ts';
import type { JsonValue } from './json-value.ts';
import { DEFAULT_MAX_DEPTH } from './parse-json.ts';

export function toJsonValue(value: unknown): JsonValue {
  return convert(value, undefined, 0, new Set());
}

function fail(code: EncodingErrorCode, path: FieldPath | undefined, what: string, cause?: unknown): never {
  const field = fieldOf(path);
  throw new EncodingError(code, field, `${fieldName(field)}: ${what}`, cause === undefined ? {} : { cause });
}

function convert(value: unknown, path: FieldPath | undefined, depth: number, onPath: Set<object>): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : fail('INVALID_VALUE', path, `${value} is not a JSON number`);
  }
  if (typeof value !== 'object') return fail('WRONG_TYPE', path, `a ${typeof value} has no JSON form`);
  // Whatever the value does while it is inspected (a revoked Proxy, a trap that throws)
  // becomes an EncodingError that keeps it as the cause.
  let array: boolean;
  let proto: unknown;
  try {
    if (value instanceof Uint8Array) return toBase64url(value);
    array = Array.isArray(value);
    proto = Object.getPrototypeOf(value);
  } catch (cause) {
    return fail('WRONG_TYPE', path, 'the value cannot be read', cause);
  }
  if (array ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) {
    fail('WRONG_TYPE', path, 'expected a plain object, an array or bytes, not a class instance');
  }
  // Nothing deeper than a document may be parsed back, so nothing deeper is encoded.
  if (depth >= DEFAULT_MAX_DEPTH)
    fail('TOO_DEEP', path, `nested deeper than the limit of ${DEFAULT_MAX_DEPTH}`);
  if (onPath.has(value)) fail('INVALID_VALUE', path, 'the value contains itself');
  onPath.add(value);
  const out = array
    ? convertArray(value as unknown[], path, depth, onPath)
    : convertObject(value, path, depth, onPath);
  onPath.delete(value);
  return out;
}

function convertArray(
  value: readonly unknown[],
  path: FieldPath | undefined,
  depth: number,
  onPath: Set<object>,
) {
  const out: JsonValue[] = [];
  let length: number;
  try {
    length = value.length;
  } catch (cause) {
    return fail('WRONG_TYPE', path, 'the value cannot be read', cause);
  }
  for (let i = 0; i < length; i++) {
    const item = own(value, i, path);
    if (!item.present) fail('INVALID_VALUE', { parent: path, key: i }, 'arrays must not have holes');
    out.push(convert(item.value, { parent: path, key: i }, depth + 1, onPath));
  }
  return out;
}

function convertObject(value: object, path: FieldPath | undefined, depth: number, onPath: Set<object>) {
  const out: Record<string, JsonValue> = {};
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (cause) {
    return fail('WRONG_TYPE', path, 'the value cannot be read', cause);
  }
  for (const key of keys) {
    const { present, value: v } = own(value, key, path);
    // defineProperty, not assignment: a `__proto__` key stays data, for the decoder to refuse.
    if (present && v !== undefined) {
      Object.defineProperty(out, key, {
        value: convert(v, { parent: path, key }, depth + 1, onPath),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

// An own data property, read through its descriptor so that no getter runs.
function own(
  target: object,
  key: string | number,
  path: FieldPath | undefined,
): { present: boolean; value: unknown } {
  let descriptor: PropertyDescriptor | undefined;
  try {
    descriptor = Object.getOwnPropertyDescriptor(target, key);
  } catch (cause) {
    return fail('WRONG_TYPE', { parent: path, key }, 'the value cannot be read', cause);
  }
  if (descriptor === undefined) return { present: false, value: undefined };
  if (!('value' in descriptor))
    fail('INVALID_VALUE', { parent: path, key }, 'expected a data property, got an accessor');
  return { present: true, value: descriptor.value };
}
