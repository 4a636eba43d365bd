/**
 * The one error of the encoding area: canonical JSON, the strict parser and every decoder.
 * `code` says what kind of thing was wrong, `field` where (a path such as
 * `header.distribution[2].org`, or `''` for the whole document), and the message says
 * what was expected, so the sender can fix the document.
 */
import { ValiseError } from '../valise-error.ts';

export const ENCODING_ERROR_CODES = [
  'MALFORMED_JSON',
  'NOT_CANONICAL',
  'DUPLICATE_KEY',
  'UNKNOWN_FIELD',
  'MISSING_FIELD',
  'WRONG_TYPE',
  'OUT_OF_RANGE',
  'TOO_LARGE',
  'TOO_DEEP',
  'INVALID_VALUE',
] as const;
export type EncodingErrorCode = (typeof ENCODING_ERROR_CODES)[number];

export class EncodingError extends ValiseError {
  readonly code: EncodingErrorCode;
  readonly field: string;

  /** `message` is shown as is: name the field in it and say what was expected. */
  constructor(code: EncodingErrorCode, field: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.field = field;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;
const MAX_KEY_IN_PATH = 64;

/**
 * The path of a child: `parent.key`, `parent[3]`, or `parent["odd key"]` for keys that are
 * not identifiers. Keys longer than 64 characters are cut, so a hostile key cannot make an
 * error message huge.
 */
export function childField(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent === '' ? key : `${parent}.${key}`;
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  return `${parent}[${JSON.stringify(shown)}]`;
}

/**
 * Where a value sits while a document is walked, as a linked list from the value up to the
 * root; rendered as a field path (`a.b[3]`) only when an error names it: a header lists
 * hundreds of devices, and naming each one on the way costs more than the rest.
 */
export interface FieldPath {
  readonly parent: FieldPath | undefined;
  readonly key: string | number;
}

/** The field path of `path`, in a loop: a document nested 100,000 deep is still a typed error. */
export function fieldOf(path: FieldPath | undefined): string {
  const keys: (string | number)[] = [];
  for (let at = path; at !== undefined; at = at.parent) keys.push(at.key);
  let field = '';
  for (let i = keys.length - 1; i >= 0; i--) field = childField(field, keys[i] as string | number);
  return field;
}

/** How a field is named in messages: its path, or `document` for the root. */
export function fieldName(field: string): string {
  return field === '' ? 'document' : field;
}
