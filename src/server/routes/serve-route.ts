/**
 * Registers a route of the API table (core/api/routes.ts) on the app: its method, its path
 * and who may call it come from the table, and so does the decoder of its body, so what the
 * server accepts is what the SDK sends and docs/api.md says.
 */
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod, RouteShorthandOptions } from 'fastify';
import type { Route } from '../../core/api/route.ts';
import { API_PREFIX } from '../../core/api/routes.ts';
import type { BodyParser } from '../body-parser.ts';
import { rawBody, readBody, readBodyOffThread } from '../read-body.ts';

/** Registers `route` on `app`, a plugin mounted at API_PREFIX. */
export function serve(
  app: FastifyInstance,
  route: Route<unknown, unknown>,
  options: RouteShorthandOptions,
  handler: RouteHandlerMethod,
): void {
  if (!route.path.startsWith(`${API_PREFIX}/`))
    throw new RangeError(`${route.path} is not under ${API_PREFIX}`);
  app.route({
    ...options,
    method: route.method,
    url: route.path.slice(API_PREFIX.length),
    config: { ...options.config, auth: route.auth },
    handler,
  });
}

/**
 * The request's JSON body, read with the route's decoder. With `mayBeEmpty`, an empty body
 * reads as `undefined` (routes whose body is "nothing, or `{}`").
 */
export function routeBody<B>(request: FastifyRequest, route: Route<B, unknown>, maxBytes: number): B;
export function routeBody<B>(
  request: FastifyRequest,
  route: Route<B, unknown>,
  maxBytes: number,
  options: { readonly mayBeEmpty: true },
): B | undefined;
export function routeBody<B>(
  request: FastifyRequest,
  route: Route<B, unknown>,
  maxBytes: number,
  options?: { readonly mayBeEmpty: true },
): B | undefined {
  const decoder = route.body;
  if (typeof decoder !== 'function') throw new RangeError(`${route.path} has no JSON body`);
  if (options?.mayBeEmpty && rawBody(request).length === 0) return undefined;
  return readBody(request, decoder, maxBytes);
}

/** `routeBody` for a route whose bodies are large: parsed off the event loop when `parser` is given. */
export function routeBodyOffThread<B>(
  request: FastifyRequest,
  route: Route<B, unknown>,
  maxBytes: number,
  parser: BodyParser | undefined,
): Promise<B> {
  const decoder = route.body;
  if (typeof decoder !== 'function') throw new RangeError(`${route.path} has no JSON body`);
  return readBodyOffThread(request, decoder, maxBytes, parser);
}
