/**
 * Reads a JSON body strictly: the raw bytes the content-type parser kept (the signature's
 * Content-Digest covers exactly those), parsed with core `parseJson` (duplicate keys, depth
 * and size refused) and decoded with a core decoder (unknown fields refused). Any failure
 * is a 4xx ServerError naming the field.
 */
import type { FastifyRequest } from 'fastify';
import type { Decoder } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { parseJson } from '../core/encoding/parse-json.ts';
import { ServerError } from './server-error.ts';

/** Deep enough for every Valise document (a sealed cable is 5 levels), shallow enough to be cheap. */
const MAX_DEPTH = 16;

/** The exact body bytes, or an empty array when the request has none. */
export function rawBody(request: FastifyRequest): Uint8Array {
  const body = request.body;
  return body instanceof Uint8Array ? body : new Uint8Array(0);
}

export function readBody<T>(request: FastifyRequest, decoder: Decoder<T>, maxBytes: number): T {
  const bytes = rawBody(request);
  const type = request.headers['content-type'];
  if (
    bytes.length > 0 &&
    type !== undefined &&
    type.split(';')[0]?.trim().toLowerCase() !== 'application/json'
  ) {
    throw new ServerError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  if (bytes.length === 0)
    throw new ServerError('MISSING_FIELD', 'the request needs a JSON body', { field: '' });
  try {
    return decoder(parseJson(bytes, { maxBytes, maxDepth: MAX_DEPTH }), '');
  } catch (error) {
    throw fromEncodingError(error);
  }
}

/** An EncodingError as the ServerError with the same code (TOO_LARGE stays 413). */
export function fromEncodingError(error: unknown): unknown {
  if (!(error instanceof EncodingError)) return error;
  return new ServerError(error.code, error.message, { field: error.field, cause: error });
}
