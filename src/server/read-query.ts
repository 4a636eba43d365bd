/**
 * Reads a query string strictly, as bodies are read: every parameter must be known, given
 * once, and valid for its decoder; numbers are plain decimal digits. Parsed from the raw
 * request target, not Fastify's lenient parser, so `a=1&a=2` is an error rather than an
 * array.
 */
import type { FastifyRequest } from 'fastify';
import { type Decoder, type ObjectOf, object, type Shape } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { fromEncodingError } from './read-body.ts';
import { ServerError } from './server-error.ts';

const MAX_QUERY_LENGTH = 2048;

export function readQuery<S extends Shape>(request: FastifyRequest, shape: S): ObjectOf<S> {
  const at = request.url.indexOf('?');
  const text = at < 0 ? '' : request.url.slice(at + 1);
  if (text.length > MAX_QUERY_LENGTH) {
    throw new ServerError('TOO_LARGE', `the query string is longer than ${MAX_QUERY_LENGTH} characters`, {
      field: 'query',
    });
  }
  const values: Record<string, string> = {};
  if (text !== '') {
    for (const part of text.split('&')) {
      const eq = part.indexOf('=');
      const key = decode(eq < 0 ? part : part.slice(0, eq));
      const value = decode(eq < 0 ? '' : part.slice(eq + 1));
      if (Object.hasOwn(values, key)) {
        throw new ServerError(
          'DUPLICATE_KEY',
          `query parameter ${JSON.stringify(key)} is given twice; give it once`,
          {
            field: `query.${key}`,
          },
        );
      }
      Object.defineProperty(values, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  try {
    return object(shape)(values, 'query');
  } catch (error) {
    throw fromEncodingError(error);
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new ServerError('MALFORMED', 'the query string has a bad percent-encoding', { field: 'query' });
  }
}

/** A non-negative decimal integer in a query string (`50`, not `050`, `5e1` or `-0`). */
export function integerText(options: { readonly min: number; readonly max: number }): Decoder<number> {
  return (value, field) => {
    if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(value)) {
      throw new EncodingError('INVALID_VALUE', field, `${field}: expected a decimal integer`);
    }
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < options.min || n > options.max) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        field,
        `${field}: expected an integer from ${options.min} to ${options.max}`,
      );
    }
    return n;
  };
}

/** A boolean flag in a query string: `1` / `true` or `0` / `false`. */
export const flagText: Decoder<boolean> = (value, field) => {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new EncodingError('INVALID_VALUE', field, `${field}: expected 1 or 0`);
};
