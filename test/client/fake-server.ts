/**
 * The routes every session starts with (GET /network, GET /directory and the audit log
 * that proves it, see fake-log.ts), served from a test network, plus whatever routes a
 * test adds. For client tests that need a session.
 */
import { toBase64url } from '../../src/core/encoding/bytes.ts';
import type { SignedEntry } from '../../src/core/identity/certificate.ts';
import type { NetworkRoot } from '../../src/core/identity/directory.ts';
import type { Handler, SentRequest } from './fake-fetch.ts';
import { errorResponse, fakeFetch, jsonResponse } from './fake-fetch.ts';
import { type FakeLog, fakeLog } from './fake-log.ts';

export function fakeServer(
  state: { root: NetworkRoot; entries: SignedEntry[]; serverKey?: Uint8Array },
  routes: (request: SentRequest) => Response | Promise<Response> | undefined = () => undefined,
) {
  let log: Promise<FakeLog> | undefined;
  const handler: Handler = async (request) => {
    log ??= fakeLog(state.root.network);
    const logged = await (await log).handle(request, state.entries);
    if (logged) return logged;
    if (request.url.pathname === '/api/v1/network') {
      return jsonResponse(200, {
        network: state.root.network,
        rootKey: toBase64url(state.root.key),
        accreditation: state.root.accreditation,
        serverKey: toBase64url(state.serverKey ?? new Uint8Array(32)),
        epoch: state.entries.length,
      });
    }
    return (
      (await routes(request)) ??
      errorResponse(404, 'NOT_FOUND', `no route ${request.method} ${request.url.pathname}`)
    );
  };
  return fakeFetch(handler);
}
