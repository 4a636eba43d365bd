/**
 * A `fetch` into a real Valise app (Fastify `inject`), so client code runs against the real
 * server without sockets. `intercept` plays a malicious server: it may answer a request
 * itself (a forged checkpoint, say) or return undefined to let the app answer.
 */
import type { FastifyInstance } from 'fastify';
import type { Fetch } from '../../src/client/api-client.ts';

export const APP_ORIGIN = 'http://valise.test';

export interface Intercepted {
  readonly method: string;
  readonly url: URL;
}

export function appFetch(
  app: FastifyInstance,
  intercept?: (request: Intercepted) => Response | Promise<Response | undefined> | undefined,
): Fetch {
  return async (input, init) => {
    const url = new URL(input);
    const method = init.method ?? 'GET';
    const mine = await intercept?.({ method, url });
    if (mine) return mine;
    const headers: Record<string, string> = { host: url.host };
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>))
      headers[k.toLowerCase()] = v;
    const response = await app.inject({
      method: method as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(init.body instanceof Uint8Array ? { payload: Buffer.from(init.body) } : {}),
    });
    return new Response(response.rawPayload.length > 0 ? new Uint8Array(response.rawPayload) : null, {
      status: response.statusCode,
      headers: { 'content-type': String(response.headers['content-type'] ?? 'application/json') },
    });
  };
}
