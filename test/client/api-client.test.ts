import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiClient } from '../../src/client/api-client.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { fixedClock } from '../../src/client/clock.ts';
import { ROUTES } from '../../src/core/api/routes.ts';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { object, string } from '../../src/core/encoding/decode.ts';
import { JSON_WITH_BYTES_TYPE, parseJsonWithBytes } from '../../src/core/encoding/json-with-bytes.ts';
import { MemoryNonceStore } from '../../src/core/wire/memory-nonce-store.ts';
import type { WireRequest } from '../../src/core/wire/request-profile.ts';
import { verifyRequest } from '../../src/core/wire/verify-request.ts';
import { counter, errorResponse, fakeFetch, jsonResponse, wireRequestOf } from './fake-fetch.ts';
import { T0 } from './test-network.ts';

const decodeOk = object({ ok: string({ max: 10 }) });
const DEVICE = 'AAAAAAAAAAAAAAAAAAAAAA';

function isClientError(code: string, status?: number) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (status !== undefined) assert.equal(error.status, status);
    return true;
  };
}

/**
 * A client signing as DEVICE with a fresh key, answered `{ ok: "yes" }`: what it sent, and a
 * check of a request against that key as the server makes it.
 */
async function signingClient() {
  const signer = await generateSigner();
  const { fetch, sent } = fakeFetch(() => jsonResponse(200, { ok: 'yes' }));
  const api = new ApiClient({
    server: 'http://127.0.0.1:8080',
    fetch,
    clock: fixedClock(T0),
    device: { id: DEVICE, signer, sequence: counter() },
  });
  const verify = (request: WireRequest) =>
    verifyRequest(request, {
      resolveKey: async () => signer.publicKey,
      now: T0,
      nonces: new MemoryNonceStore({ now: () => T0 }),
    });
  return { api, sent, verify };
}

describe('ApiClient', () => {
  test('a server that never begins to answer is called unreachable, not waited for forever', async () => {
    const api = new ApiClient({
      server: 'http://127.0.0.1:8080',
      clock: fixedClock(T0),
      timeoutMs: 50,
      // A server that accepted the connection and then went silent: only the abort ends it.
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    await assert.rejects(
      api.request({ method: 'GET', path: '/api/v1/network', decode: decodeOk, unsigned: true }),
      (error: unknown) =>
        isClientError('SERVER_UNREACHABLE')(error) && /no answer within/.test(String(error)),
    );
  });

  test('every request of a device is RFC 9421-signed so that the server verifies it', async () => {
    const signer = await generateSigner();
    const { fetch, sent } = fakeFetch(() => jsonResponse(200, { ok: 'yes' }));
    const api = new ApiClient({
      server: 'http://127.0.0.1:8080/',
      fetch,
      clock: fixedClock(T0),
      device: { id: DEVICE, signer, sequence: counter() },
    });
    assert.deepEqual(
      await api.request({ method: 'POST', path: '/api/v1/cables', body: { a: [1, 'x'] }, decode: decodeOk }),
      { ok: 'yes' },
    );
    assert.deepEqual(
      await api.request({
        method: 'GET',
        path: '/api/v1/inbox',
        decode: decodeOk,
        query: { limit: 5, unacknowledged: true, before: undefined },
      }),
      { ok: 'yes' },
    );
    const nonces = new MemoryNonceStore({ now: () => T0 });
    for (const request of sent) {
      const verified = await verifyRequest(wireRequestOf(request), {
        resolveKey: async (id) => (id === DEVICE ? signer.publicKey : undefined),
        now: T0,
        nonces,
      });
      assert.equal(verified.keyId, DEVICE);
    }
    assert.equal(sent[0]!.headers['content-type'], 'application/json');
    assert.equal(sent[1]!.url.search, '?limit=5&unacknowledged=1');
    assert.notEqual(sent[0]!.headers.signature, undefined);
  });

  test('a body holding bytes goes as JSON with a bytes section, signed with its media type', async () => {
    const { api, sent, verify } = await signingClient();
    const key = Uint8Array.of(1, 2, 3);
    await api.request({ method: 'POST', path: '/api/v1/cables', body: { key, name: 'x' }, decode: decodeOk });
    const request = sent[0]!;
    assert.equal(request.headers['content-type'], JSON_WITH_BYTES_TYPE);
    assert.deepEqual(parseJsonWithBytes(request.body), { key, name: 'x' });
    assert.equal((await verify(wireRequestOf(request))).keyId, DEVICE);
    // The media type is covered: the same bytes relabelled as JSON no longer verify.
    const relabelled = { ...request, headers: { ...request.headers, 'content-type': 'application/json' } };
    await assert.rejects(verify(wireRequestOf(relabelled)));
  });

  test('a signed body that was changed on the way no longer verifies', async () => {
    const { api, sent, verify } = await signingClient();
    await api.request({ method: 'POST', path: '/api/v1/cables', body: { amount: 1 }, decode: decodeOk });
    const tampered = { ...wireRequestOf(sent[0]!), body: new TextEncoder().encode('{"amount":2}') };
    await assert.rejects(verify(tampered));
  });

  test('unsigned requests and clients without a device carry no signature', async () => {
    const signer = await generateSigner();
    const { fetch, sent } = fakeFetch(() => jsonResponse(200, { ok: 'yes' }));
    const device = new ApiClient({
      server: 'http://h',
      fetch,
      clock: fixedClock(T0),
      device: { id: DEVICE, signer, sequence: counter() },
    });
    await device.request({ method: 'GET', path: '/api/v1/network', decode: decodeOk, unsigned: true });
    await new ApiClient({ server: 'http://h', fetch, clock: fixedClock(T0) }).request({
      method: 'GET',
      path: '/api/v1/network',
      decode: decodeOk,
    });
    for (const request of sent) {
      assert.equal(request.headers.signature, undefined);
      assert.equal(request.headers['signature-input'], undefined);
    }
  });

  test("an error answer becomes a ClientError with the server's code, status and the other fields", async () => {
    const { fetch } = fakeFetch(() =>
      errorResponse(409, 'SERIES_CONFLICT', 'serial 4 is taken', {
        head: { serial: 4, year: 2026, hash: null },
      }),
    );
    const api = new ApiClient({ server: 'http://h', fetch, clock: fixedClock(T0) });
    await assert.rejects(api.request({ method: 'GET', path: '/x', decode: decodeOk }), (error: unknown) => {
      assert.ok(error instanceof ClientError);
      assert.equal(error.code, 'SERIES_CONFLICT');
      assert.equal(error.status, 409);
      assert.equal(error.message, 'serial 4 is taken');
      assert.deepEqual(error.detail, { head: { serial: 4, year: 2026, hash: null } });
      return true;
    });
  });

  test('an error without the documented shape, or with a code outside the API list, is BAD_RESPONSE', async () => {
    for (const response of [
      () => jsonResponse(409, { error: { code: 'NOT_AN_API_CODE', message: 'x' } }),
      () => jsonResponse(400, { error: { code: 'toString', message: 'x' } }),
      () => new Response('<html>bad gateway</html>', { status: 502 }),
      () => jsonResponse(500, { message: 'oops' }),
      () => jsonResponse(400, { error: { code: 'lower-case', message: 'x' } }),
    ]) {
      const api = new ApiClient({
        server: 'http://h',
        fetch: fakeFetch(response).fetch,
        clock: fixedClock(T0),
      });
      await assert.rejects(
        api.request({ method: 'GET', path: '/x', decode: decodeOk }),
        isClientError('BAD_RESPONSE'),
      );
    }
  });

  test('a success answer that does not match the contract is BAD_RESPONSE', async () => {
    for (const body of ['not json', '{"ok":"yes","extra":1}', '{"ok":1}', '{"ok":"a","ok":"b"}']) {
      const api = new ApiClient({
        server: 'http://h',
        fetch: fakeFetch(() => new Response(body, { status: 200 })).fetch,
        clock: fixedClock(T0),
      });
      await assert.rejects(
        api.request({ method: 'GET', path: '/x', decode: decodeOk }),
        isClientError('BAD_RESPONSE', 200),
        body,
      );
    }
  });

  test('a network failure is SERVER_UNREACHABLE', async () => {
    const api = new ApiClient({
      server: 'http://h',
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
      },
      clock: fixedClock(T0),
    });
    await assert.rejects(api.request({ method: 'GET', path: '/x', decode: decodeOk }), (error: unknown) => {
      assert.ok(error instanceof ClientError && error.code === 'SERVER_UNREACHABLE');
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
  });

  test('a server that is not an http(s) URL is refused up front', () => {
    for (const server of ['ftp://h', 'not a url', 'file:///etc/passwd']) {
      assert.throws(
        () =>
          new ApiClient({
            server,
            fetch: fakeFetch(() => jsonResponse(200, {})).fetch,
            clock: fixedClock(T0),
          }),
        isClientError('INVALID_ARGUMENT'),
      );
    }
  });
  test('a route of the table is called with its method and encoded path, and its answer decoded', async () => {
    const signer = await generateSigner();
    const { fetch, sent } = fakeFetch(() =>
      jsonResponse(200, {
        items: [
          {
            org: 'FR',
            role: 'action',
            acknowledged: true,
            by: { user: 'fr.claire' },
            at: T0,
            overdue: false,
          },
        ],
        precedence: 'ROUTINE',
        now: T0,
        checkpoint: { size: 1, note: 'valise.test/log\n1\nAAAA\n' },
        events: [],
      }),
    );
    const api = new ApiClient({
      server: 'http://h',
      fetch,
      clock: fixedClock(T0),
      device: { id: DEVICE, signer, sequence: counter() },
    });
    const answer = await api.call(ROUTES.acks, { params: { id: 'a/b?c' } });
    assert.equal(answer.items[0]?.org, 'FR');
    assert.equal(sent[0]?.method, 'GET');
    assert.equal(sent[0]?.url.pathname, '/api/v1/cables/a%2Fb%3Fc/acks');
    assert.ok(sent[0]?.headers.signature, 'a device route is signed');
  });

  test('a route that reads no signature is sent unsigned, even by a device', async () => {
    const signer = await generateSigner();
    const { fetch, sent } = fakeFetch(() => jsonResponse(200, { origin: 'valise.test/log', key: 'k' }));
    const api = new ApiClient({
      server: 'http://h',
      fetch,
      clock: fixedClock(T0),
      device: { id: DEVICE, signer, sequence: counter() },
    });
    await api.call(ROUTES.log);
    assert.equal(sent[0]?.headers.signature, undefined);
  });

  test("a body the route's decoder refuses is INVALID_ARGUMENT and is never sent", async () => {
    const { fetch, sent } = fakeFetch(() => jsonResponse(201, { index: 1, epoch: 2 }));
    const api = new ApiClient({ server: 'http://h', fetch, clock: fixedClock(T0) });
    await assert.rejects(
      api.call(ROUTES.postEntry, { body: { entry: { kind: 'nonsense' } } }),
      isClientError('INVALID_ARGUMENT'),
    );
    await assert.rejects(api.call(ROUTES.acks, {}), isClientError('INVALID_ARGUMENT'));
    assert.equal(sent.length, 0);
  });

  test('an answer the route does not define is BAD_RESPONSE', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(200, { network: 'x' }));
    const api = new ApiClient({ server: 'http://h', fetch, clock: fixedClock(T0) });
    await assert.rejects(api.call(ROUTES.network), isClientError('BAD_RESPONSE', 200));
  });

  test('a route answering bytes is downloaded as they are; its errors are decoded as everywhere', async () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    let fail = false;
    const { fetch, sent } = fakeFetch(() =>
      fail ? errorResponse(404, 'NOT_FOUND', 'no such attachment') : new Response(bytes, { status: 200 }),
    );
    const api = new ApiClient({ server: 'http://h', fetch, clock: fixedClock(T0) });
    const params = { id: 'AAAAAAAAAAAAAAAAAAAAAA', digest: 'ZGlnZXN0' };
    assert.deepEqual(await api.download(ROUTES.attachment, { params }), bytes);
    assert.equal(sent[0]?.url.pathname, '/api/v1/cables/AAAAAAAAAAAAAAAAAAAAAA/attachments/ZGlnZXN0');
    fail = true;
    await assert.rejects(api.download(ROUTES.attachment, { params }), isClientError('NOT_FOUND', 404));
  });
});
