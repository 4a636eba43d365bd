/**
 * The part of HTTP Structured Field Values (RFC 8941, kept by RFC 9651) that signed
 * requests use: dictionaries whose members are items or inner lists, with parameters, and
 * bare items that are strings, integers, tokens, booleans or byte sequences.
 *
 * Parsing follows RFC 8941 §4.2 and is stricter where laxness would let two different field
 * values mean the same thing: a repeated dictionary key or parameter is refused (§4.2.2 would
 * keep the last one), integers must be written canonically (no leading zeros, no `-0`),
 * byte sequences must be canonical padded base64, and decimals, dates and display strings
 * are not accepted because no Valise field uses them. A parser returns `undefined` for
 * anything it refuses; it never throws.
 */
import { fromBase64url, toBase64url } from '../encoding/bytes.ts';
import { RequestSignatureError } from './request-signature-error.ts';

export type BareItem =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'token'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bytes'; readonly value: Uint8Array };

/** Parameters in the order they were written; keys are unique. */
export type Parameters = ReadonlyArray<readonly [key: string, value: BareItem]>;

export interface Item {
  readonly item: BareItem;
  readonly params: Parameters;
}

export type Member =
  | ({ readonly kind: 'item' } & Item)
  | { readonly kind: 'inner-list'; readonly items: readonly Item[]; readonly params: Parameters };

/** Dictionary members in the order they were written; keys are unique. */
export type Dictionary = ReadonlyArray<readonly [key: string, member: Member]>;

/** RFC 8941 §3.1.2: the largest magnitude an sf-integer may have (15 digits). */
export const MAX_SF_INTEGER = 999_999_999_999_999;

const KEY_FIRST = /[a-z*]/;
const KEY_REST = /[a-z0-9_\-.*]/;
const TOKEN_FIRST = /[A-Za-z*]/;
const TOKEN_REST = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;
const DIGIT = /[0-9]/;

class Cursor {
  index = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.index >= this.text.length;
  }
  peek(): string {
    return this.text[this.index] ?? '';
  }
  skipSpaces(): void {
    while (this.peek() === ' ') this.index++;
  }
  skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.index++;
  }
}

/** Thrown inside the parser only, to unwind; never escapes this module. */
class Refused {}

function refuse(): never {
  throw new Refused();
}

/** RFC 8941 §4.2.2, refusing repeated keys. Returns undefined for anything not a valid dictionary. */
export function parseDictionary(text: string): Dictionary | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const c = new Cursor(text);
    c.skipSpaces();
    const members: Array<readonly [string, Member]> = [];
    const seen = new Set<string>();
    while (!c.done) {
      const key = parseKey(c);
      if (seen.has(key)) refuse();
      seen.add(key);
      if (c.peek() === '=') {
        c.index++;
        members.push([key, parseItemOrInnerList(c)]);
      } else {
        members.push([
          key,
          { kind: 'item', item: { type: 'boolean', value: true }, params: parseParameters(c) },
        ]);
      }
      c.skipOws();
      if (c.done) break;
      if (c.peek() !== ',') refuse();
      c.index++;
      c.skipOws();
      if (c.done) refuse(); // §4.2.2: a trailing comma is an error
    }
    return members;
  } catch (error) {
    if (error instanceof Refused) return undefined;
    throw error;
  }
}

function parseItemOrInnerList(c: Cursor): Member {
  if (c.peek() !== '(') return { kind: 'item', ...parseItem(c) };
  c.index++;
  const items: Item[] = [];
  for (;;) {
    c.skipSpaces();
    if (c.peek() === ')') {
      c.index++;
      return { kind: 'inner-list', items, params: parseParameters(c) };
    }
    items.push(parseItem(c));
    const next = c.peek();
    if (next !== ' ' && next !== ')') refuse();
  }
}

function parseItem(c: Cursor): Item {
  const item = parseBareItem(c);
  return { item, params: parseParameters(c) };
}

function parseParameters(c: Cursor): Parameters {
  const params: Array<readonly [string, BareItem]> = [];
  const seen = new Set<string>();
  while (c.peek() === ';') {
    c.index++;
    c.skipSpaces();
    const key = parseKey(c);
    if (seen.has(key)) refuse();
    seen.add(key);
    let value: BareItem = { type: 'boolean', value: true };
    if (c.peek() === '=') {
      c.index++;
      value = parseBareItem(c);
    }
    params.push([key, value]);
  }
  return params;
}

function parseKey(c: Cursor): string {
  if (!KEY_FIRST.test(c.peek())) refuse();
  const start = c.index;
  c.index++;
  while (!c.done && KEY_REST.test(c.peek())) c.index++;
  return c.text.slice(start, c.index);
}

function parseBareItem(c: Cursor): BareItem {
  const first = c.peek();
  if (first === '-' || DIGIT.test(first)) return parseInteger(c);
  if (first === '"') return parseString(c);
  if (first === ':') return parseByteSequence(c);
  if (first === '?') return parseBoolean(c);
  if (TOKEN_FIRST.test(first)) return parseToken(c);
  return refuse();
}

function parseInteger(c: Cursor): BareItem {
  const start = c.index;
  if (c.peek() === '-') c.index++;
  const digitsStart = c.index;
  while (!c.done && DIGIT.test(c.peek())) c.index++;
  const digits = c.text.slice(digitsStart, c.index);
  if (digits.length === 0 || digits.length > 15) refuse();
  if (c.peek() === '.') refuse(); // a decimal: no Valise field carries one
  if (digits.length > 1 && digits.startsWith('0')) refuse(); // not canonical
  const lexeme = c.text.slice(start, c.index);
  if (lexeme === '-0') refuse();
  return { type: 'integer', value: Number(lexeme) };
}

function parseString(c: Cursor): BareItem {
  c.index++;
  let out = '';
  for (;;) {
    if (c.done) refuse();
    const ch = c.peek();
    c.index++;
    if (ch === '\\') {
      const escaped = c.peek();
      if (escaped !== '"' && escaped !== '\\') refuse();
      c.index++;
      out += escaped;
    } else if (ch === '"') {
      return { type: 'string', value: out };
    } else {
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) refuse();
      out += ch;
    }
  }
}

function parseToken(c: Cursor): BareItem {
  const start = c.index;
  c.index++;
  while (!c.done && TOKEN_REST.test(c.peek())) c.index++;
  return { type: 'token', value: c.text.slice(start, c.index) };
}

function parseByteSequence(c: Cursor): BareItem {
  c.index++;
  const start = c.index;
  while (!c.done && BASE64_CHAR.test(c.peek())) c.index++;
  if (c.peek() !== ':') refuse();
  const bytes = fromBase64(c.text.slice(start, c.index));
  c.index++;
  if (!bytes) refuse();
  return { type: 'bytes', value: bytes };
}

function parseBoolean(c: Cursor): BareItem {
  c.index++;
  const ch = c.peek();
  if (ch !== '0' && ch !== '1') refuse();
  c.index++;
  return { type: 'boolean', value: ch === '1' };
}

/** Standard base64 (RFC 4648 §4) with padding, as sf-binary carries it (RFC 8941 §3.3.5). */
export function toBase64(bytes: Uint8Array): string {
  const url = toBase64url(bytes).replaceAll('-', '+').replaceAll('_', '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

/** Decodes canonical padded base64; undefined for anything else (missing padding, spare bits, `-`/`_`). */
export function fromBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0) return undefined;
  const body = text.replace(/={1,2}$/, '');
  if (/[^A-Za-z0-9+/]/.test(body) || text.length - body.length !== (4 - (body.length % 4)) % 4)
    return undefined;
  return fromBase64url(body.replaceAll('+', '-').replaceAll('/', '_'));
}

function malformed(message: string): never {
  throw new RequestSignatureError('SIGNATURE_MALFORMED', message);
}

/** True if `value` can be an sf-string: printable ASCII only (RFC 8941 §3.3.3). */
export function isSfString(value: unknown): value is string {
  return typeof value === 'string' && /^[\x20-\x7e]*$/.test(value);
}

/** RFC 8941 §4.1.6: quotes the string, escaping `"` and `\`. */
export function serializeString(value: string): string {
  if (!isSfString(value)) malformed('a structured-field string may only hold printable ASCII characters');
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** RFC 8941 §4.1.4: a bare decimal integer of at most 15 digits. */
export function serializeInteger(value: number): string {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_SF_INTEGER) {
    malformed(`a structured-field integer must be a whole number of at most 15 digits, not ${String(value)}`);
  }
  return String(value);
}

/** RFC 8941 §4.1.8: `:` base64 `:`. */
export function serializeByteSequence(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) malformed('a structured-field byte sequence must be a Uint8Array');
  return `:${toBase64(bytes)}:`;
}

/**
 * RFC 8941 §4.1.1.1 and §4.1.1.2: an inner list of strings followed by parameters, in the
 * given order. A string parameter value is quoted; a number is an integer.
 */
export function serializeInnerList(
  items: readonly string[],
  params: ReadonlyArray<readonly [key: string, value: string | number]>,
): string {
  const list = `(${items.map(serializeString).join(' ')})`;
  return (
    list +
    params
      .map(([key, value]) => {
        if (typeof key !== 'string' || !/^[a-z*][a-z0-9_\-.*]*$/.test(key)) {
          malformed(`${JSON.stringify(String(key))} is not a structured-field key`);
        }
        return `;${key}=${typeof value === 'number' ? serializeInteger(value) : serializeString(value)}`;
      })
      .join('')
  );
}
