/**
 * JSON with a bytes section: the wire form of a JSON document whose byte strings travel as
 * raw bytes instead of base64url text (docs/api.md, "Bodies"). A sealed cable for 300 devices
 * is 336 KB of key wraps; as JSON that is 450 KB of base64url that the server must scan,
 * parse and decode before its decoder sees one byte, the largest cost of accepting a cable.
 *
 * The body is the JSON text (UTF-8), one NUL byte, then the bytes section. Where the document
 * has a byte string, the JSON says `{"$bytes":[start,length]}`: `length` bytes of the section
 * from `start`. JSON text never holds a raw NUL (control characters are escaped in strings),
 * so the first NUL ends it.
 *
 * Decisions:
 * - The JSON part is read by core `parseJson`, with the caller's limits: duplicate keys,
 *   depth and size are refused exactly as in a JSON body.
 * - The ranges must tile the section: every byte of it belongs to exactly one byte string,
 *   in any order. A body has one reading, and nothing rides along unread.
 * - A marker is an object whose one key is `$bytes`; an object with `$bytes` and anything
 *   else is refused. No document of the API has a `$bytes` field, so nothing is lost.
 * - What parsing yields is the same document a JSON body gives, with each byte string as a
 *   Uint8Array (a view of the body) in place of its base64url text. Core's `bytes()`
 *   decoder takes either; every other decoder refuses a Uint8Array as the wrong type.
 */
import { concatBytes } from './bytes.ts';
import { encodeCanonical } from './canonical-json.ts';
import { childField, EncodingError, fieldName } from './encoding-error.ts';
import { describeValue, type JsonValue } from './json-value.ts';
import { DEFAULT_MAX_BYTES, type ParseLimits, parseJson } from './parse-json.ts';

/** The media type of a body in this form. */
export const JSON_WITH_BYTES_TYPE = 'application/vnd.valise.json-bytes';

/** A document whose byte strings are bytes: what `encodeJsonWithBytes` sends and parsing yields. */
export type BytesValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly BytesValue[]
  | { readonly [k: string]: BytesValue };

const MARKER = '$bytes';
const NUL = 0;

/**
 * The body for `value`: its JSON (canonical, each Uint8Array a marker) then its bytes, in the
 * order they were met. Throws the EncodingError `encodeCanonical` throws for what JSON cannot
 * say (a lone surrogate, a number that is not finite), and WRONG_TYPE for bytes alone.
 */
export function encodeJsonWithBytes(value: BytesValue): Uint8Array {
  const { json, parts } = marked(value);
  return concatBytes(json, Uint8Array.of(NUL), ...parts);
}

/**
 * A request body for `value` and its media type: JSON with a bytes section when `value` holds
 * bytes, canonical JSON (the bytes-free document as it is) when it holds none.
 */
export function encodeDocument(value: BytesValue): { readonly body: Uint8Array; readonly type: string } {
  const { json, parts } = marked(value);
  if (parts.length === 0) return { body: json, type: 'application/json' };
  return { body: concatBytes(json, Uint8Array.of(NUL), ...parts), type: JSON_WITH_BYTES_TYPE };
}

/** `value`'s canonical JSON with each Uint8Array a marker, and those arrays in marker order. */
function marked(value: BytesValue): { readonly json: Uint8Array; readonly parts: readonly Uint8Array[] } {
  // A marker is a field's or an item's value (the parser refuses one as the whole document).
  if (value instanceof Uint8Array) {
    throw new EncodingError(
      'WRONG_TYPE',
      '',
      'document: bytes alone are not a document; send them as application/octet-stream',
    );
  }
  const parts: Uint8Array[] = [];
  let offset = 0;
  const mark = (v: BytesValue): JsonValue => {
    if (v instanceof Uint8Array) {
      parts.push(v);
      const marker = { [MARKER]: [offset, v.length] };
      offset += v.length;
      return marker;
    }
    if (Array.isArray(v)) return v.map(mark);
    if (v !== null && typeof v === 'object') {
      const out: { [k: string]: JsonValue } = {};
      for (const [k, item] of Object.entries(v)) out[k] = mark(item);
      return out;
    }
    return v as JsonValue;
  };
  return { json: encodeCanonical(mark(value)), parts };
}

/** A byte string found in the JSON part: where it goes, and which bytes of the section. */
interface Found {
  readonly holder: { [key: string | number]: unknown };
  readonly key: string | number;
  readonly start: number;
  readonly length: number;
  /** The keys and indexes from the document down to it, named in an error only. */
  readonly path: readonly (string | number)[];
}

/**
 * The document in `body`, each marker replaced by its bytes (views of `body`). Throws one
 * EncodingError naming the fault: TOO_LARGE over `limits.maxBytes` (the whole body counts),
 * MALFORMED_JSON for a body with no NUL or a section its markers do not tile, INVALID_VALUE
 * for a malformed marker, and whatever `parseJson` throws for the JSON part.
 */
export function parseJsonWithBytes(body: Uint8Array, limits?: ParseLimits): unknown {
  if (!(body instanceof Uint8Array)) {
    throw new EncodingError('WRONG_TYPE', '', `document: expected bytes, got ${describeValue(body)}`);
  }
  const maxBytes = limits?.maxBytes ?? DEFAULT_MAX_BYTES;
  if (body.length > maxBytes) {
    throw new EncodingError(
      'TOO_LARGE',
      '',
      `document: ${body.length} bytes, larger than the limit of ${maxBytes} bytes`,
    );
  }
  const end = body.indexOf(NUL);
  if (end < 0) {
    throw new EncodingError(
      'MALFORMED_JSON',
      '',
      'document: no NUL byte ends the JSON part; a body without bytes is sent as application/json',
    );
  }
  const document = parseJson(body.subarray(0, end), limits);
  const section = body.subarray(end + 1);
  const found: Found[] = [];
  findMarkers(document, [], section.length, found);
  // The ranges tile the section: sorted by start, each begins where the one before ended.
  found.sort((a, b) => a.start - b.start || a.length - b.length);
  let covered = 0;
  for (const f of found) {
    if (f.start !== covered) {
      const field = fieldOf(f.path);
      throw new EncodingError(
        'MALFORMED_JSON',
        field,
        `${fieldName(field)}: its bytes start at ${f.start} of the bytes section, where ${covered} was expected; byte strings must use every byte of the section once`,
      );
    }
    covered += f.length;
  }
  if (covered !== section.length) {
    throw new EncodingError(
      'MALFORMED_JSON',
      '',
      `document: the bytes section holds ${section.length} bytes, its byte strings ${covered}; send no byte that no string uses`,
    );
  }
  for (const f of found) f.holder[f.key] = section.subarray(f.start, f.start + f.length);
  return document;
}

function fieldOf(path: readonly (string | number)[]): string {
  return path.reduce<string>((field, key) => childField(field, key), '');
}

/**
 * Every marker in `value` (a parsed document, at most its depth deep), checked against the
 * section. `path` leads to `value`; it is extended and restored on the way down.
 */
function findMarkers(
  value: JsonValue,
  path: (string | number)[],
  sectionLength: number,
  found: Found[],
): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      visit(value as unknown as Found['holder'], i, value[i] as JsonValue, path, sectionLength, found);
      path.pop();
    }
    return;
  }
  const object = value as { readonly [k: string]: JsonValue };
  if (Object.hasOwn(object, MARKER)) {
    // A marker met here is the document itself, or one with company: neither is a byte string's place.
    const field = fieldOf(path);
    throw new EncodingError(
      'INVALID_VALUE',
      field,
      `${fieldName(field)}: an object with "${MARKER}" must have no other field, and must be a field's or an item's value`,
    );
  }
  for (const key of Object.keys(object)) {
    path.push(key);
    visit(object as Found['holder'], key, object[key] as JsonValue, path, sectionLength, found);
    path.pop();
  }
}

function visit(
  holder: Found['holder'],
  key: string | number,
  item: JsonValue,
  path: (string | number)[],
  sectionLength: number,
  found: Found[],
): void {
  if (isMarker(item)) found.push(marker(holder, key, item, path, sectionLength));
  else findMarkers(item, path, sectionLength, found);
}

/** An object with a `$bytes` key and no other: a marker, to be checked. */
function isMarker(value: JsonValue): value is { readonly [k: string]: JsonValue } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (!Object.hasOwn(value, MARKER)) return false;
  return Object.keys(value).length === 1;
}

function marker(
  holder: Found['holder'],
  key: string | number,
  value: { readonly [k: string]: JsonValue },
  path: readonly (string | number)[],
  sectionLength: number,
): Found {
  const range = value[MARKER];
  const [start, length] = Array.isArray(range) ? range : [];
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !isCount(start) ||
    !isCount(length) ||
    start + length > sectionLength
  ) {
    const field = fieldOf(path);
    throw new EncodingError(
      'INVALID_VALUE',
      field,
      `${fieldName(field)}: expected {"${MARKER}":[start,length]}, two whole numbers naming bytes within the ${sectionLength} of the bytes section`,
    );
  }
  return { holder, key, start, length, path: [...path] };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
