/**
 * The RFC 9421 §2.5 signature base: one line per covered component, `"<id>": <value>`, then
 * the `"@signature-params"` line whose value is the serialised inner list of component ids
 * with the signature parameters. Signer and verifier both build it here, so they cannot
 * disagree on a byte.
 *
 * Supported components are the derived ones Valise uses (§2.2: `@method`, `@target-uri`,
 * `@authority`, `@path`, `@query`) and plain header fields by lowercase name (§2.1), without
 * component parameters (`;sf`, `;bs`, `;key`, `;req`, `;tr`), which Valise never needs.
 * Parameters are written in one fixed order, `created expires nonce keyid alg tag`
 * (RFC 9421 §2.3 leaves the order to the signer; the verifier insists on this one).
 *
 * Every value must be printable ASCII: RFC 9421 §2.5 builds the base from ASCII, and a
 * value that is not is refused rather than transcoded one way by the signer and another by
 * the verifier.
 */
import { utf8 } from '../encoding/bytes.ts';
import { type HeaderFields, readHeaderField } from './header-field.ts';
import { RequestSignatureError } from './request-signature-error.ts';
import { isSfString, MAX_SF_INTEGER, serializeInnerList, serializeString } from './structured-field.ts';

export const DERIVED_COMPONENTS = ['@method', '@target-uri', '@authority', '@path', '@query'] as const;
export type DerivedComponent = (typeof DERIVED_COMPONENTS)[number];

/** RFC 9421 §2.3: the parameters Valise writes, in the order it writes them. */
export const SIGNATURE_PARAMETERS = ['created', 'expires', 'nonce', 'keyid', 'alg', 'tag'] as const;
export type SignatureParameter = (typeof SIGNATURE_PARAMETERS)[number];

export interface SignatureParams {
  /** Unix seconds at which the signature was made. */
  readonly created: number;
  /** Unix seconds after which the signature must not be accepted. */
  readonly expires?: number;
  readonly nonce?: string;
  readonly keyid: string;
  readonly alg?: string;
  readonly tag?: string;
}

/** The parts of an HTTP request a signature can cover. */
export interface SignableMessage {
  readonly method: string;
  /** Host and port as sent (`example.com`, `localhost:8080`); lowercased here. */
  readonly authority: string;
  /** The absolute path as sent, percent-encoding untouched; `''` stands for `/`. */
  readonly path: string;
  /** The query with its leading `?` as sent, or `''` when the target has none. */
  readonly query: string;
  /** The full target URI; needed only when `@target-uri` is covered. */
  readonly targetUri?: string;
  readonly headers: HeaderFields;
}

const FIELD_NAME = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/;
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const AUTHORITY = /^[A-Za-z0-9\-._~%!$&'()*+,;=:[\]]+$/;
const PATH = /^\/[\x21-\x7e]*$/;
const QUERY = /^\?[\x21-\x7e]*$/;
const FIELD_VALUE = /^[\x20-\x7e\t]*$/;
const NON_NEGATIVE_TIME = (n: unknown): n is number =>
  Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= MAX_SF_INTEGER;

function malformed(message: string): never {
  throw new RequestSignatureError('SIGNATURE_MALFORMED', message);
}

/** True for an id this module can build a value for: a derived component or a lowercase field name. */
export function isSupportedComponent(id: unknown): id is string {
  if (typeof id !== 'string') return false;
  if (id.startsWith('@')) return (DERIVED_COMPONENTS as readonly string[]).includes(id);
  return FIELD_NAME.test(id);
}

/**
 * The value of `@signature-params` (and of the Signature-Input member): the covered
 * component ids as an inner list of strings, then the parameters that are set.
 */
export function serializeSignatureParams(components: readonly string[], params: SignatureParams): string {
  checkComponents(components);
  if (typeof params !== 'object' || params === null) malformed('signature parameters must be an object');
  const { created, expires, nonce, keyid, alg, tag } = params;
  if (!NON_NEGATIVE_TIME(created)) malformed(`created must be whole unix seconds, not ${String(created)}`);
  if (expires !== undefined && !NON_NEGATIVE_TIME(expires)) {
    malformed(`expires must be whole unix seconds, not ${String(expires)}`);
  }
  if (!isSfString(keyid) || keyid.length === 0) malformed('keyid must be a non-empty printable ASCII string');
  for (const [name, value] of [
    ['nonce', nonce],
    ['alg', alg],
    ['tag', tag],
  ] as const) {
    if (value !== undefined && !isSfString(value)) malformed(`${name} must be a printable ASCII string`);
  }
  const values: Record<SignatureParameter, string | number | undefined> = {
    created,
    expires,
    nonce,
    keyid,
    alg,
    tag,
  };
  const ordered: Array<readonly [string, string | number]> = [];
  for (const name of SIGNATURE_PARAMETERS) {
    const value = values[name];
    if (value !== undefined) ordered.push([name, value]);
  }
  return serializeInnerList(components, ordered);
}

/** RFC 9421 §2.5: the signature base as bytes (ASCII). Throws SIGNATURE_MALFORMED if a value cannot be covered. */
export function buildSignatureBase(
  message: SignableMessage,
  components: readonly string[],
  params: SignatureParams,
): Uint8Array {
  const signatureParams = serializeSignatureParams(components, params);
  if (typeof message !== 'object' || message === null) malformed('the message to sign must be an object');
  let base = '';
  for (const id of components) {
    base += `${serializeString(id)}: ${componentValue(message, id)}\n`;
  }
  base += `"@signature-params": ${signatureParams}`;
  return utf8(base);
}

function checkComponents(components: readonly string[]): void {
  if (!Array.isArray(components)) malformed('covered components must be an array of component ids');
  const seen = new Set<string>();
  for (const id of components) {
    if (!isSupportedComponent(id)) {
      malformed(
        `${JSON.stringify(String(id))} is not a component Valise can sign (a derived component or a lowercase field name)`,
      );
    }
    // RFC 9421 §2.5: a component id may not be listed twice.
    if (seen.has(id)) malformed(`component ${JSON.stringify(id)} is listed twice`);
    seen.add(id);
  }
}

function componentValue(message: SignableMessage, id: string): string {
  switch (id) {
    case '@method':
      // RFC 9421 §2.2.1: the method as sent; it is case-sensitive, so it is not normalised.
      return checked(message.method, TOKEN, 'the method');
    case '@target-uri':
      return checked(message.targetUri, /^[\x21-\x7e]+$/, 'the target URI');
    case '@authority':
      // RFC 9421 §2.2.3: the host is normalised to lowercase.
      return checked(message.authority, AUTHORITY, 'the authority').toLowerCase();
    case '@path':
      // RFC 9421 §2.2.6: an empty path is `/`; percent-encoding is left as sent.
      return message.path === '' ? '/' : checked(message.path, PATH, 'the path', ['?', '#']);
    case '@query':
      // RFC 9421 §2.2.7: an absent query is the lone `?`.
      return message.query === '' ? '?' : checked(message.query, QUERY, 'the query', ['#']);
    default:
      return fieldValue(message.headers, id);
  }
}

function checked(value: unknown, pattern: RegExp, what: string, forbidden: readonly string[] = []): string {
  if (typeof value !== 'string' || !pattern.test(value) || forbidden.some((ch) => value.includes(ch))) {
    malformed(`${what} must be a string of printable ASCII as sent on the wire, not ${describe(value)}`);
  }
  return value;
}

/** RFC 9421 §2.1: the field value with leading and trailing whitespace removed. */
function fieldValue(headers: HeaderFields, name: string): string {
  const raw = readHeaderField(headers, name, 'SIGNATURE_MALFORMED');
  if (raw === undefined) malformed(`the ${name} field is covered by the signature but absent`);
  const value = trimWhitespace(raw);
  if (!FIELD_VALUE.test(value))
    malformed(`the ${name} field holds characters a signature cannot cover (not ASCII)`);
  return value;
}

/** Trims SP and HTAB by hand: a `[ \t]+$` regex backtracks quadratically on a long run of spaces. */
function trimWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(start, end);
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
}
