/**
 * One route of the HTTP API: its method, its path (with `:name` parameters), who may call it,
 * the decoder of its body and the decoder of its answer. The server registers and checks its
 * routes from these, the SDK and the web worker call them through these, and docs/api.md is
 * checked against them, so the three can never disagree about a route's shape.
 */
import type { Decoder } from '../encoding/decode.ts';

export type RouteMethod = 'GET' | 'POST' | 'PUT';

/**
 * - `device`: a request signed by an enrolled device (RFC 9421);
 * - `optional`: signed or not, the route decides (an unsigned body may carry its own authority);
 * - `none`: a signature is never read (the body's secret, or nothing, is the authority).
 */
export type RouteAuth = 'none' | 'optional' | 'device';

/** A JSON body's decoder; `none` (no body is read) or `bytes` (application/octet-stream). */
export type BodyKind<B> = Decoder<B> | 'none' | 'bytes';

export interface Route<B, A> {
  readonly method: RouteMethod;
  /** The full path, `/api/v1/cables/:id`. */
  readonly path: string;
  readonly auth: RouteAuth;
  readonly body: BodyKind<B>;
  /** The answer's decoder, or `bytes` for an application/octet-stream answer. */
  readonly answer: Decoder<A> | 'bytes';
}

export type AnyRoute = Route<unknown, unknown>;
export type AnswerOf<R> = R extends Route<unknown, infer A> ? A : never;
export type BodyOf<R> = R extends Route<infer B, unknown> ? B : never;

export function route<B = never, A = never>(definition: Route<B, A>): Route<B, A> {
  return definition;
}

/** `GET /api/v1/cables/:id`: how the route is named in docs/api.md and by the server. */
export function routeKey(route: { readonly method: string; readonly path: string }): string {
  return `${route.method} ${route.path}`;
}

/** The names of the path's parameters, in order (`['id', 'digest']`). */
export function routeParams(route: { readonly path: string }): string[] {
  return [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');
}

/** The path with each `:name` replaced by its value, percent-encoded. */
export function routePath(
  route: { readonly path: string },
  params: { readonly [name: string]: string } = {},
): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_all, name: string) => {
    const value = params[name];
    if (value === undefined) throw new RangeError(`${route.path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}
