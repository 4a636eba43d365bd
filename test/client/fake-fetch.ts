/**
 * A `fetch` for client tests: routes each request to a handler function and records what
 * was sent, so a test can check both sides. Built per test; no module state.
 */

import type { Fetch } from '../../src/client/api-client.ts';
import type { JsonValue } from '../../src/core/encoding/canonical-json.ts';
import { JSON_WITH_BYTES_TYPE, parseJsonWithBytes } from '../../src/core/encoding/json-with-bytes.ts';
import { toJsonValue } from '../../src/core/encoding/to-json.ts';
import type { WireRequest } from '../../src/core/wire/request-profile.ts';

export interface SentRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  /** The parsed JSON body (a body with a bytes section: its bytes as base64url, as in JSON), or undefined. */
  readonly json: unknown;
}

export type Handler = (request: SentRequest) => Response | Promise<Response>;

export function jsonResponse(status: number, body: JsonValue): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, JsonValue> = {},
): Response {
  return jsonResponse(status, { error: { code, message }, ...extra });
}

export function fakeFetch(handler: Handler): { fetch: Fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetch: Fetch = async (input, init) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>))
      headers[k.toLowerCase()] = v;
    const body = init.body instanceof Uint8Array ? init.body : new Uint8Array(0);
    const request: SentRequest = {
      method: init.method ?? 'GET',
      url: new URL(input),
      headers,
      body,
      json:
        body.length === 0 || headers['content-type'] === 'application/octet-stream'
          ? undefined
          : headers['content-type'] === JSON_WITH_BYTES_TYPE
            ? toJsonValue(parseJsonWithBytes(body, { maxBytes: body.length }))
            : JSON.parse(new TextDecoder().decode(body)),
    };
    sent.push(request);
    return handler(request);
  };
  return { fetch, sent };
}

/** The request as a server sees it, for core/wire's verifyRequest. */
export function wireRequestOf(request: SentRequest): WireRequest {
  return {
    method: request.method,
    authority: request.url.host,
    path: request.url.pathname,
    query: request.url.search,
    headers: request.headers,
    body: request.body,
  };
}

/** A device's request sequence counter in memory (KeyStore.takeSequence's contract). */
export function counter(): () => Promise<number> {
  let last = 0;
  return async () => {
    last++;
    return last;
  };
}
