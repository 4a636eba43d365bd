/**
 * Reads route parameters (`:id`, `:org`) with a core decoder. Fastify hands them over in a
 * null-prototype object; they are copied into a plain one first, which the strict decoder
 * accepts, and a bad value is a 400 naming the parameter.
 */
import type { FastifyRequest } from 'fastify';
import { type ObjectOf, object, type Shape } from '../core/encoding/decode.ts';
import { fromEncodingError } from './read-body.ts';

export function readParams<S extends Shape>(request: FastifyRequest, shape: S): ObjectOf<S> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
  }
  try {
    return object(shape)(params, 'params');
  } catch (error) {
    throw fromEncodingError(error);
  }
}
