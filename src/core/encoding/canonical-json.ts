/**
 * Canonical JSON (RFC 8785, JCS): the one byte form of every document Valise signs, hashes
 * or encrypts, and the strict parser that accepts nothing else.
 *
 * Decisions:
 * - The parser is written here, not JSON.parse: JSON.parse keeps the last of two duplicate
 *   keys, so two readers could see different documents behind one signature.
 * - A canonical document has exactly one spelling, so `parseCanonical` parses, serialises
 *   the result again and demands the same text. Whitespace, key order, `\u0041`, `1.0`,
 *   `1e2` and `-0` all fail that comparison.
 * - Both directions are iterative (an explicit stack), so a document nested 10,000 deep
 *   is a typed error, never a stack overflow.
 * - Parsed objects define their keys with `Object.defineProperty`: a key `__proto__` is
 *   plain data and never reaches a prototype; the strict decoders then reject it as unknown.
 * - Size is checked before parsing, depth while parsing (before descending).
 */
import { fromUtf8, utf8 } from './bytes.ts';
import { childField, EncodingError, fieldName } from './encoding-error.ts';

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

export interface ParseLimits {
  /** Largest input accepted, in UTF-8 bytes. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted. Default 32. */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 32;

// With the `u` flag a surrogate pair is one code point, so this matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

// ---------------------------------------------------------------------------------------
// Serialising

type OutFrame =
  | { readonly array: readonly unknown[]; readonly field: string; index: number }
  | {
      readonly object: object;
      readonly keys: readonly string[];
      readonly field: string;
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
  const open = (v: unknown, field: string): OutFrame | undefined => {
    switch (typeof v) {
      case 'string':
        out += serializeString(v, field);
        return undefined;
      case 'number':
        // RFC 8785 §3.2.2.3: ECMAScript Number-to-String; -0 becomes 0.
        if (!Number.isFinite(v)) {
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
          throw new EncodingError('INVALID_VALUE', field, `${fieldName(field)}: the value contains itself`);
        }
        const proto = Object.getPrototypeOf(v);
        if (Array.isArray(v) && proto === Array.prototype) {
          onPath.add(v);
          out += '[';
          return { array: v, field, index: 0 };
        }
        if (proto === Object.prototype || proto === null) {
          onPath.add(v);
          out += '{';
          // RFC 8785 §3.2.3: keys sorted by UTF-16 code units, which is the default sort.
          return { object: v, keys: Object.keys(v).sort(), field, index: 0 };
        }
        throw new EncodingError(
          'WRONG_TYPE',
          field,
          `${fieldName(field)}: expected a plain object or array, got ${describe(v)}`,
        );
      }
      default:
        throw new EncodingError('WRONG_TYPE', field, `${fieldName(field)}: ${describe(v)} is not JSON`);
    }
  };

  const root = open(value, '');
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
      const field = childField(frame.field, index);
      if (!Object.hasOwn(array, index)) {
        throw new EncodingError('INVALID_VALUE', field, `${field}: arrays must not have holes`);
      }
      const child = open(array[index], field);
      if (child) stack.push(child);
    } else {
      const { object, keys, index } = frame;
      if (index === keys.length) {
        out += '}';
        onPath.delete(object);
        stack.pop();
        continue;
      }
      frame.index++;
      if (index > 0) out += ',';
      const key = keys[index]!;
      const field = childField(frame.field, key);
      const descriptor = Object.getOwnPropertyDescriptor(object, key);
      if (!descriptor || !('value' in descriptor)) {
        throw new EncodingError(
          'INVALID_VALUE',
          field,
          `${field}: expected a data property, got an accessor`,
        );
      }
      out += `${serializeString(key, field)}:`;
      const child = open(descriptor.value, field);
      if (child) stack.push(child);
    }
  }
  return out;
}

/** `canonicalize` as UTF-8 bytes: what is hashed, signed and encrypted. */
export function encodeCanonical(value: JsonValue): Uint8Array {
  return utf8(canonicalize(value));
}

function serializeString(text: string, field: string): string {
  // I-JSON (RFC 7493 §2.1): strings are Unicode; a lone surrogate has no UTF-8 form.
  if (LONE_SURROGATE.test(text)) {
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

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'number':
      return `the number ${v}`;
    case 'string':
      return `a string of ${v.length} characters`;
    case 'object': {
      const name = Object.getPrototypeOf(v)?.constructor?.name;
      return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
    }
    default:
      return `a ${typeof v}`;
  }
}

// ---------------------------------------------------------------------------------------
// Parsing

/**
 * Parses a document that must be in canonical form (RFC 8785), byte for byte. Use it for
 * everything that is signed, hashed or stored: there is exactly one accepted spelling.
 */
export function parseCanonical(input: Uint8Array | string, limits?: ParseLimits): JsonValue {
  const text = inputText(input, limits);
  const value = parseText(text, limits);
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

/**
 * Parses any valid JSON (whitespace, any key order, any number spelling) for HTTP bodies,
 * with the same safety as `parseCanonical`: duplicate keys, depth and size are refused.
 */
export function parseJson(input: Uint8Array | string, limits?: ParseLimits): JsonValue {
  return parseText(inputText(input, limits), limits);
}

function limitOf(limits: ParseLimits | undefined, name: 'maxBytes' | 'maxDepth', fallback: number): number {
  if (limits === undefined) return fallback;
  if (typeof limits !== 'object' || limits === null) {
    throw new EncodingError('WRONG_TYPE', 'limits', 'limits: expected an object { maxBytes?, maxDepth? }');
  }
  const v = limits[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      `limits.${name}`,
      `limits.${name}: expected a non-negative integer`,
    );
  }
  return v;
}

// Checks the size before any parsing work, then returns the text to parse.
function inputText(input: Uint8Array | string, limits: ParseLimits | undefined): string {
  const maxBytes = limitOf(limits, 'maxBytes', DEFAULT_MAX_BYTES);
  limitOf(limits, 'maxDepth', DEFAULT_MAX_DEPTH);
  if (input instanceof Uint8Array) {
    if (input.length > maxBytes) throw tooLarge(input.length, maxBytes);
    const text = fromUtf8(input);
    if (text === undefined) {
      throw new EncodingError('MALFORMED_JSON', '', 'document: not valid UTF-8; send the JSON as UTF-8 text');
    }
    return text;
  }
  if (typeof input === 'string') {
    // Every UTF-16 code unit takes at least one UTF-8 byte: a cheap bound before counting.
    if (input.length > maxBytes) throw tooLarge(input.length, maxBytes);
    const size = utf8Length(input);
    if (size > maxBytes) throw tooLarge(size, maxBytes);
    return input;
  }
  throw new EncodingError('WRONG_TYPE', '', `document: expected bytes or a string, got ${describe(input)}`);
}

function tooLarge(size: number, maxBytes: number): EncodingError {
  return new EncodingError(
    'TOO_LARGE',
    '',
    `document: ${size} bytes or more, larger than the limit of ${maxBytes} bytes`,
  );
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return n;
}

type InFrame =
  | { readonly array: JsonValue[]; readonly parent: InFrame | undefined }
  | { readonly object: { [k: string]: JsonValue }; key: string; readonly parent: InFrame | undefined };

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

// Paths are built only when an error is thrown, by walking the frames up.
function pathOf(frame: InFrame | undefined): string {
  const frames: InFrame[] = [];
  for (let f = frame; f; f = f.parent) frames.push(f);
  let path = '';
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i]!;
    path = 'array' in f ? childField(path, f.array.length) : childField(path, f.key);
  }
  return path;
}

function containerPath(frame: InFrame | undefined): string {
  return frame ? pathOf(frame.parent) : '';
}

function parseText(text: string, limits: ParseLimits | undefined): JsonValue {
  const maxDepth = limitOf(limits, 'maxDepth', DEFAULT_MAX_DEPTH);
  let pos = 0;
  let depth = 0;
  let top: InFrame | undefined;

  const malformed = (what: string, field = containerPath(top)): EncodingError =>
    new EncodingError(
      'MALFORMED_JSON',
      field,
      `${fieldName(field)}: invalid JSON at character ${pos}: ${what}`,
    );

  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };

  const expect = (code: number, what: string): void => {
    skipWhitespace();
    if (text.charCodeAt(pos) !== code) {
      throw malformed(pos >= text.length ? `unexpected end, expected ${what}` : `expected ${what}`);
    }
    pos++;
  };

  const readString = (field: () => string): string => {
    pos++; // the opening quote
    let out = '';
    let start = pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (Number.isNaN(c)) throw malformed('unterminated string');
      if (c < 0x20) throw malformed('control characters in strings must be escaped');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const e = text.charCodeAt(pos + 1);
      pos += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75: {
          const hex = text.slice(pos, pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw malformed('\\u must be followed by four hex digits');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          pos += 4;
          break;
        }
        default:
          pos -= 2;
          throw malformed('unknown escape sequence');
      }
      start = pos;
    }
    out += text.slice(start, pos);
    pos++; // the closing quote
    if (LONE_SURROGATE.test(out)) {
      const f = field();
      throw new EncodingError(
        'INVALID_VALUE',
        f,
        `${fieldName(f)}: strings must be valid Unicode, found a lone surrogate`,
      );
    }
    return out;
  };

  // Reads `"key":` inside an object frame and refuses a key seen before in that object.
  const readKey = (frame: Extract<InFrame, { object: unknown }>): void => {
    skipWhitespace();
    if (text.charCodeAt(pos) !== 0x22) throw malformed('expected a string key');
    const key = readString(() => childField(containerPath(frame), '(key)'));
    // RFC 8785 §3.1 / I-JSON §2.3: member names must be unique.
    if (Object.hasOwn(frame.object, key)) {
      const f = childField(containerPath(frame), key);
      throw new EncodingError('DUPLICATE_KEY', f, `${f}: the key appears twice; each key may appear once`);
    }
    frame.key = key;
    expect(0x3a, "':'");
  };

  const enter = (): void => {
    depth++;
    if (depth > maxDepth) {
      const f = pathOf(top);
      throw new EncodingError('TOO_DEEP', f, `${fieldName(f)}: nested deeper than the limit of ${maxDepth}`);
    }
  };

  let result: JsonValue;
  parse: for (;;) {
    // Read one value; containers push a frame and loop back to read their first member.
    skipWhitespace();
    const c = text.charCodeAt(pos);
    let value: JsonValue;
    if (c === 0x7b) {
      enter();
      pos++;
      const object: { [k: string]: JsonValue } = {};
      skipWhitespace();
      if (text.charCodeAt(pos) === 0x7d) {
        pos++;
        depth--;
        value = object;
      } else {
        const frame = { object, key: '', parent: top };
        top = frame;
        readKey(frame);
        continue;
      }
    } else if (c === 0x5b) {
      enter();
      pos++;
      const array: JsonValue[] = [];
      skipWhitespace();
      if (text.charCodeAt(pos) === 0x5d) {
        pos++;
        depth--;
        value = array;
      } else {
        top = { array, parent: top };
        continue;
      }
    } else if (c === 0x22) {
      const at = top;
      value = readString(() => pathOf(at));
    } else if (text.startsWith('true', pos)) {
      pos += 4;
      value = true;
    } else if (text.startsWith('false', pos)) {
      pos += 5;
      value = false;
    } else if (text.startsWith('null', pos)) {
      pos += 4;
      value = null;
    } else {
      NUMBER.lastIndex = pos;
      const match = NUMBER.exec(text);
      if (!match) {
        throw malformed(
          pos >= text.length ? 'unexpected end, expected a value' : 'expected a value',
          pathOf(top),
        );
      }
      value = Number(match[0]);
      if (!Number.isFinite(value)) {
        const f = pathOf(top);
        throw new EncodingError(
          'OUT_OF_RANGE',
          f,
          `${fieldName(f)}: the number is too large for a 64-bit float`,
        );
      }
      pos += match[0].length;
    }

    // Attach the value to its container; close containers that end here.
    for (;;) {
      if (!top) {
        result = value;
        break parse;
      }
      if ('array' in top) top.array.push(value);
      else
        Object.defineProperty(top.object, top.key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      skipWhitespace();
      const next = text.charCodeAt(pos);
      if (next === 0x2c) {
        pos++;
        if ('object' in top) readKey(top);
        continue parse;
      }
      const close = 'array' in top ? 0x5d : 0x7d;
      if (next !== close) {
        throw malformed(
          pos >= text.length
            ? 'unexpected end, the document is cut short'
            : `expected ',' or '${String.fromCharCode(close)}'`,
        );
      }
      pos++;
      depth--;
      value = 'array' in top ? top.array : top.object;
      top = top.parent;
    }
  }
  skipWhitespace();
  if (pos !== text.length) throw malformed('unexpected data after the JSON value', '');
  return result;
}
