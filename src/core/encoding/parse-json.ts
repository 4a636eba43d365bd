/**
 * The strict JSON parser under every decoder: for HTTP bodies as written (`parseJson`) and,
 * with the canonical check on top, for everything signed or hashed (`parseCanonical`).
 *
 * Decisions:
 * - Written here, not JSON.parse: JSON.parse keeps the last of two duplicate keys, so two
 *   readers could see different documents behind one signature.
 * - Iterative (an explicit stack), so a document nested 10,000 deep is a typed error, never
 *   a stack overflow.
 * - A key `__proto__` is defined with `Object.defineProperty`, so it is plain data and never
 *   reaches a prototype (the strict decoders then reject it as unknown); every other key is
 *   assigned, which makes the same own property at a fraction of the cost.
 * - Size is checked before parsing, depth while parsing (before descending).
 */
import { fromUtf8 } from './bytes.ts';
import { childField, EncodingError, fieldName } from './encoding-error.ts';
import { describeValue as describe, type JsonValue, LONE_SURROGATE } from './json-value.ts';

export interface ParseLimits {
  /** Largest input accepted, in UTF-8 bytes. Default 1 MiB. */
  readonly maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted. Default 32. */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 32;

/**
 * Parses any valid JSON (whitespace, any key order, any number spelling) for HTTP bodies,
 * with the same safety as `parseCanonical`: duplicate keys, depth and size are refused.
 */
export function parseJson(input: Uint8Array | string, limits?: ParseLimits): JsonValue {
  return parseText(readJsonText(input, limits), limits);
}

/** `parseJson` of a text `readJsonText` already returned: its size is not counted twice. */
export function parseJsonText(text: string, limits?: ParseLimits): JsonValue {
  return parseText(text, limits);
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

/** Checks the size (and the limits) before any parsing work, then returns the text to parse. */
export function readJsonText(input: Uint8Array | string, limits: ParseLimits | undefined): string {
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
/**
 * A run of string characters that need no further check: no quote, backslash, control
 * character or surrogate half (so no lone surrogate either). Sticky; may match nothing.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters end the run on purpose
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;

// Paths are built only when an error is thrown, by walking the frames up.
function pathOf(frame: InFrame | undefined): string {
  const frames: InFrame[] = [];
  for (let f = frame; f; f = f.parent) frames.push(f);
  let path = '';
  for (const f of frames.toReversed()) {
    path = 'array' in f ? childField(path, f.array.length) : childField(path, f.key);
  }
  return path;
}

function containerPath(frame: InFrame | undefined): string {
  return frame ? pathOf(frame.parent) : '';
}

/**
 * True when the number at `pos` is `0` or a run of 1–15 digits not starting with 0, followed by
 * neither a fraction nor an exponent: its value is exact in a double and read digit by digit.
 * Anything else (a sign, a fraction, an exponent, a leading zero, more digits) goes through
 * NUMBER as before.
 */
function isPlainInteger(text: string, pos: number): boolean {
  let end = pos;
  while (end < text.length) {
    const d = text.charCodeAt(end);
    if (d < 0x30 || d > 0x39) break;
    end++;
  }
  const digits = end - pos;
  if (digits > 15 || (digits > 1 && text.charCodeAt(pos) === 0x30)) return false;
  const next = text.charCodeAt(end);
  return next !== 0x2e && next !== 0x65 && next !== 0x45;
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

  // `frame` and `isKey` say where the string is, named only if it is refused.
  const readString = (frame: InFrame | undefined, isKey: boolean): string => {
    pos++; // the opening quote
    // Most strings (ids, base64url) are plain text: one native scan finds their end.
    PLAIN_RUN.lastIndex = pos;
    PLAIN_RUN.test(text);
    if (text.charCodeAt(PLAIN_RUN.lastIndex) === 0x22) {
      const plain = text.slice(pos, PLAIN_RUN.lastIndex);
      pos = PLAIN_RUN.lastIndex + 1;
      return plain;
    }
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
      const f = isKey ? childField(containerPath(frame), '(key)') : pathOf(frame);
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
    const key = readString(frame, true);
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
      value = readString(top, false);
    } else if (c >= 0x30 && c <= 0x39 && isPlainInteger(text, pos)) {
      // A whole number of up to 15 digits (offsets, lengths, times): read without the regex.
      let n = 0;
      while (pos < text.length) {
        const d = text.charCodeAt(pos);
        if (d < 0x30 || d > 0x39) break;
        n = n * 10 + (d - 0x30);
        pos++;
      }
      value = n;
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
      else if (top.key === '__proto__')
        // Assigned, this key would set the object's prototype: defined, it is plain data.
        Object.defineProperty(top.object, top.key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      // Any other key is not on the object yet (duplicates were refused), and Object.prototype
      // has no other setter: assigning makes the same own data property, faster.
      else top.object[top.key] = value;
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
