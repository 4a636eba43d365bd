/** Decoders several route groups share: counts, times, proofs' hash lists, `null`-or, any JSON. */
import type { JsonValue } from '../encoding/canonical-json.ts';
import { array, type Decoder, integer, string } from '../encoding/decode.ts';
import { childField, EncodingError } from '../encoding/encoding-error.ts';

const SAFE = { min: 0, max: Number.MAX_SAFE_INTEGER };
/** Unix seconds. */
export const decodeTime = integer(SAFE);
export const decodeCount = integer(SAFE);
/** An RFC 9162 proof: base64url SHA-256 hashes, at most one per tree level. */
export const decodeHashList = array(string({ min: 43, max: 43 }), { max: 128 });

/** `null` or what `decoder` reads. */
export function nullable<T>(decoder: Decoder<T>): Decoder<T | null> {
  return (value, field) => (value === null ? null : decoder(value, field));
}

/** Nesting allowed inside a JSON value decoded whole (a passkey response is 3 levels). */
const MAX_JSON_DEPTH = 8;

/**
 * Any JSON value, checked to be one (plain objects, arrays, strings, finite numbers,
 * booleans, null) and no deeper than 8: for members whose shape another check owns (a
 * WebAuthn response, verified by the server's passkey verifier).
 */
export const decodeJsonValue: Decoder<JsonValue> = (value, field) => jsonValue(value, field, 0);

function jsonValue(value: unknown, field: string, depth: number): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new EncodingError('INVALID_VALUE', field, `${field || 'value'}: expected a finite number`);
  }
  if (depth >= MAX_JSON_DEPTH)
    throw new EncodingError('TOO_DEEP', field, `${field || 'value'}: nested too deep`);
  if (Array.isArray(value)) return value.map((item, i) => jsonValue(item, childField(field, i), depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty, not assignment: a `__proto__` member stays a member.
      Object.defineProperty(out, key, {
        value: jsonValue(item, childField(field, key), depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new EncodingError('WRONG_TYPE', field, `${field || 'value'}: expected a JSON value`);
}
