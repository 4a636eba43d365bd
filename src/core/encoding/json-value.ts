/**
 * The JSON data model both directions of canonical JSON share: the value type, and the two
 * facts the serialiser and the parser must agree on (what counts as a lone surrogate, and
 * how a value is named in an error).
 */

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

/** With the `u` flag a surrogate pair is one code point, so this matches only lone halves. */
export const LONE_SURROGATE = /\p{Cs}/u;

/** Names a value's kind for an error message, never its content. */
export function describeValue(v: unknown): string {
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
