/**
 * Turns a model value into the JSON value its canonical encoding is made from: byte
 * strings become base64url text, absent optional fields are left out. The decoders are
 * the inverse, so `decode(toJsonValue(x))` gives back `x`.
 */
import { toBase64url } from './bytes.ts';
import type { JsonValue } from './canonical-json.ts';
import { EncodingError } from './encoding-error.ts';

export function toJsonValue(value: unknown): JsonValue {
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'number' ||
    typeof value === 'string'
  ) {
    return value;
  }
  if (value instanceof Uint8Array) return toBase64url(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    // defineProperty, not assignment: a `__proto__` key stays data, for the decoder to refuse.
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined)
        Object.defineProperty(out, k, {
          value: toJsonValue(v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return out;
  }
  throw new EncodingError('WRONG_TYPE', '', `a ${typeof value} has no JSON form`);
}
