/**
 * The two routes every session starts with (GET /network, GET /directory), served from a
 * test network, plus whatever routes a test adds. For client tests that need a session.
 */
import { toBase64url } from '../../src/core/bytes.ts';
import type { SignedEntry } from '../../src/core/certificate.ts';
import type { NetworkRoot } from '../../src/core/directory.ts';
import { toJsonValue } from '../../src/core/to-json.ts';
import type { Handler, SentRequest } from './fake-fetch.ts';
import { errorResponse, fakeFetch, jsonResponse } from './fake-fetch.ts';

export function fakeServer(
  state: { root: NetworkRoot; entries: SignedEntry[]; serverKey?: Uint8Array },
  routes: (request: SentRequest) => Response | Promise<Response> | undefined = () => undefined,
) {
  const handler: Handler = async (request) => {
    if (request.url.pathname === '/api/v1/network') {
      return jsonResponse(200, {
        network: state.root.network,
        rootKey: toBase64url(state.root.key),
        accreditation: state.root.accreditation,
        serverKey: toBase64url(state.serverKey ?? new Uint8Array(32)),
        epoch: state.entries.length,
      });
    }
    if (request.url.pathname === '/api/v1/directory' && request.method === 'GET') {
      const from = Number(request.url.searchParams.get('from') ?? '0');
      return jsonResponse(200, {
        epoch: state.entries.length,
        entries: state.entries.slice(from).map((e) => toJsonValue(e)),
      });
    }
    return (
      (await routes(request)) ??
      errorResponse(404, 'NOT_FOUND', `no route ${request.method} ${request.url.pathname}`)
    );
  };
  return fakeFetch(handler);
}
