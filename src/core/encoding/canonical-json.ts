/**
 * Canonical JSON (RFC 8785, JCS): the one byte form of every document Valise signs, hashes
 * or encrypts, and the canonical check on parsing that accepts nothing else. The strict
 * parser itself (duplicate keys, depth, size) is `parse-json.ts`.
 *
 * Decisions:
 * - A canonical document has exactly one spelling, so `parseCanonical` parses, serialises
 *   the result again and demands the same text. Whitespace, key order, `\u0041`, `1.0`,
 *   `1e2` and `-0` all fail that comparison.
 * - Serialising is iterative (an explicit stack), so a document nested 10,000 deep is a
 *   typed error, never a stack overflow.
 */
import { utf8 } from './bytes.ts';
import { EncodingError, type FieldPath, fieldName, fieldOf } from './encoding-error.ts';
import { describeValue as describe, type JsonValue, LONE_SURROGATE } from './json-value.ts';
import { type ParseLimits, parseJsonText, readJsonText } from './parse-json.ts';

// The value type stays reachable where every signed model has always imported it.
export type { JsonValue } from './json-value.ts';

// ---------------------------------------------------------------------------------------
// Serialising

type OutFrame =
  | { readonly array: readonly unknown[]; readonly path: FieldPath | undefined; index: number }
  | {
      readonly object: object;
      readonly keys: readonly string[];
      readonly path: FieldPath | undefined;
      index: number;
    };

/**
 * Serialises `value` as RFC 8785 canonical JSON. Throws EncodingError for anything outside
 * the I-JSON data model: non-finite numbers, lone surrogates, cycles, sparse arrays,
 * accessors, and objects that are not plain (class instances, Date, Map, typed arrays).
 */
export function canonicalize(value: JsonValue): string {
  let out = '';
  const stack: OutFrame[] = [];
  const onPath = new Set<object>();

  // Appends a scalar, or opens a container and returns it as a frame to descend into.
  const open = (v: unknown, path: FieldPath | undefined): OutFrame | undefined => {
    switch (typeof v) {
      case 'string':
        out += serializeString(v, path);
        return undefined;
      case 'number':
        // RFC 8785 §3.2.2.3: ECMAScript Number-to-String; -0 becomes 0.
        if (!Number.isFinite(v)) {
          const field = fieldOf(path);
          throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: ${v} is not a JSON number`);
        }
        out += String(v);
        return undefined;
      case 'boolean':
        out += v ? 'true' : 'false';
        return undefined;
      case 'object': {
        if (v === null) {
          out += 'null';
          return undefined;
        }
        if (onPath.has(v)) {
          const field = fieldOf(path);
          throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: the value contains itself`);
        }
        const proto = Object.getPrototypeOf(v);
        if (Array.isArray(v) && proto === Array.prototype) {
          onPath.add(v);
          out += '[';
          return { array: v, path, index: 0 };
        }
        if (proto === Object.prototype || proto === null) {
          onPath.add(v);
          out += '{';
          // RFC 8785 §3.2.3: keys sorted by UTF-16 code units, which is the default sort.
          return { object: v, keys: Object.keys(v).sort(), path, index: 0 };
        }
        const field = fieldOf(path);
        throw new EncodingError(
          'WRONG_TYPE',
          field,
          `${fieldName(field)}: expected a plain object or array, got ${describe(v)}`,
        );
      }
      default: {
        const field = fieldOf(path);
        throw new EncodingError('WRONG_TYPE', field, `${fieldName(field)}: ${describe(v)} is not JSON`);
      }
    }
  };

  const root = open(value, undefined);
  if (root) stack.push(root);
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    if ('array' in frame) {
      const { array, index } = frame;
      if (index === array.length) {
        out += ']';
        onPath.delete(array);
        stack.pop();
        continue;
      }
      frame.index++;
      if (index > 0) out += ',';
      if (!Object.hasOwn(array, index)) {
        const field = fieldOf({ parent: frame.path, key: index });
        throw new EncodingError('INVALID_VALUE', field, `${field}: arrays must not have holes`);
      }
      const item = array[index];
      // A string element, the most common (a header's hundreds of device ids), needs no path
      // of its own unless it is refused.
      if (typeof item === 'string') {
        out += serializeString(item, frame.path, index);
        continue;
      }
      const child = open(item, { parent: frame.path, key: index });
      if (child) stack.push(child);
    } else {
      const { object, keys, index } = frame;
      const key = keys[index];
      if (key === undefined) {
        out += '}';
        onPath.delete(object);
        stack.pop();
        continue;
      }
      frame.index++;
      if (index > 0) out += ',';
      const path: FieldPath = { parent: frame.path, key };
      const descriptor = Object.getOwnPropertyDescriptor(object, key);
      if (!descriptor || !('value' in descriptor)) {
        const field = fieldOf(path);
        throw new EncodingError(
          'INVALID_VALUE',
          field,
          `${field}: expected a data property, got an accessor`,
        );
      }
      out += `${serializeString(key, path)}:`;
      const child = open(descriptor.value, path);
      if (child) stack.push(child);
    }
  }
  return out;
}

/** `canonicalize` as UTF-8 bytes: what is hashed, signed and encrypted. */
export function encodeCanonical(value: JsonValue): Uint8Array {
  return utf8(canonicalize(value));
}

/** Printable ASCII but the quote and the backslash: what RFC 8785 writes as it is, between quotes. */
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `text` as a JSON string; on refusal, the field is `path` (or its element `index`). */
function serializeString(text: string, path: FieldPath | undefined, index?: number): string {
  // Ids, names and base64url, nearly every string signed, need neither escapes nor checks.
  if (PLAIN_STRING.test(text)) return `"${text}"`;
  // I-JSON (RFC 7493 §2.1): strings are Unicode; a lone surrogate has no UTF-8 form.
  if (LONE_SURROGATE.test(text)) {
    const field = fieldOf(index === undefined ? path : { parent: path, key: index });
    throw new EncodingError(
      'INVALID_VALUE',
      field,
      `${fieldName(field)}: strings must be valid Unicode, found a lone surrogate`,
    );
  }
  // RFC 8785 §3.2.2.2 escapes exactly what ECMAScript JSON.stringify escapes for
  // well-formed strings: ", \, \b \t \n \f \r, other controls as lowercase \u00xx.
  return JSON.stringify(text);
}

/**
 * Parses a document that must be in canonical form (RFC 8785), byte for byte. Use it for
 * everything that is signed, hashed or stored: there is exactly one accepted spelling.
 */
export function parseCanonical(input: Uint8Array | string, limits?: ParseLimits): JsonValue {
  const text = readJsonText(input, limits);
  const value = parseJsonText(text, limits);
  const canonical = canonicalize(value);
  if (canonical !== text) {
    let at = 0;
    while (at < text.length && text.charCodeAt(at) === canonical.charCodeAt(at)) at++;
    throw new EncodingError(
      'NOT_CANONICAL',
      '',
      `document: not in canonical form (RFC 8785) at character ${at}: expected no whitespace, keys in code-unit order, shortest number forms and minimal escapes`,
    );
  }
  return value;
}
