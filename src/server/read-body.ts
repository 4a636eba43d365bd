/**
 * Reads a JSON body strictly: the raw bytes the content-type parser kept (the signature's
 * Content-Digest covers exactly those), parsed with core `parseJson` (duplicate keys, depth
 * and size refused) and decoded with a core decoder (unknown fields refused). Any failure
 * is a 4xx ServerError naming the field. A body may also come as JSON with a bytes section
 * (core/encoding/json-with-bytes.ts): the same document, its byte strings sent raw, which
 * the same decoder reads.
 */
import type { FastifyRequest } from 'fastify';
import type { Decoder } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { JSON_WITH_BYTES_TYPE, parseJsonWithBytes } from '../core/encoding/json-with-bytes.ts';
import { parseJson } from '../core/encoding/parse-json.ts';
import type { BodyParser } from './body-parser.ts';
import { ServerError } from './server-error.ts';

/** Deep enough for every Valise document (a sealed cable is 5 levels), shallow enough to be cheap. */
const MAX_DEPTH = 16;

/** The exact body bytes, or an empty array when the request has none. */
export function rawBody(request: FastifyRequest): Uint8Array {
  const body = request.body;
  return body instanceof Uint8Array ? body : new Uint8Array(0);
}

export function readBody<T>(request: FastifyRequest, decoder: Decoder<T>, maxBytes: number): T {
  return decodeBody(documentBody(request), decoder, maxBytes);
}

/** `decodeJsonBody` (or its bytes-section twin), its EncodingError turned into the ServerError a route answers. */
function decodeBody<T>(body: DocumentBody, decoder: Decoder<T>, maxBytes: number): T {
  try {
    return body.withBytes
      ? decoder(parseJsonWithBytes(body.bytes, { maxBytes, maxDepth: MAX_DEPTH }), '')
      : decodeJsonBody(body.bytes, decoder, maxBytes);
  } catch (error) {
    throw fromEncodingError(error);
  }
}

/**
 * `readBody`, with a large body parsed on `parser`'s worker thread (body-parser.ts). The
 * decoder runs here either way; when the worker did not read the body, or the decoder refuses
 * what it read, the body is read here from its bytes, so a fault is reported as `readBody`
 * reports it. What the decoder accepts is what `readBody` gives too: of the core decoders only
 * `bytes` takes a Uint8Array, and it takes the very bytes it would read from the string (or
 * that the bytes section held).
 */
export async function readBodyOffThread<T>(
  request: FastifyRequest,
  decoder: Decoder<T>,
  maxBytes: number,
  parser: BodyParser | undefined,
): Promise<T> {
  const body = documentBody(request);
  if (parser !== undefined && body.bytes.length <= maxBytes) {
    const limits = { maxBytes, maxDepth: MAX_DEPTH };
    const parsed = await parser.parse(body.bytes, limits, body.withBytes ? 'json-bytes' : 'json');
    if (parsed !== undefined) {
      try {
        return decoder(parsed, '');
      } catch {
        // Read again below, from the bytes: the fault is named as it always is.
      }
    }
  }
  return decodeBody(body, decoder, maxBytes);
}

/** A request's document: its bytes, and whether they are JSON with a bytes section. */
interface DocumentBody {
  readonly bytes: Uint8Array;
  readonly withBytes: boolean;
}

/** The body's bytes, once its media type is one a document comes in and it is not empty. */
function documentBody(request: FastifyRequest): DocumentBody {
  const bytes = rawBody(request);
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const withBytes = type === JSON_WITH_BYTES_TYPE;
  if (bytes.length > 0 && type !== undefined && type !== 'application/json' && !withBytes) {
    throw new ServerError(
      'UNSUPPORTED_MEDIA_TYPE',
      `send the body as application/json (or ${JSON_WITH_BYTES_TYPE}, its byte strings raw)`,
    );
  }
  if (bytes.length === 0)
    throw new ServerError('MISSING_FIELD', 'the request needs a JSON body', { field: '' });
  return { bytes, withBytes };
}

/** Parses and decodes JSON body bytes; throws the EncodingError of the first fault. */
export function decodeJsonBody<T>(bytes: Uint8Array, decoder: Decoder<T>, maxBytes: number): T {
  return decoder(parseJson(bytes, { maxBytes, maxDepth: MAX_DEPTH }), '');
}

/** An EncodingError as the ServerError with the same code (TOO_LARGE stays 413). */
export function fromEncodingError(error: unknown): unknown {
  if (!(error instanceof EncodingError)) return error;
  return new ServerError(error.code, error.message, { field: error.field, cause: error });
}
