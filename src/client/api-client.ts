/**
 * The HTTP API v1 (docs/api.md) over `fetch`, called route by route from the API table
 * (core/api/routes.ts). Every request from an enrolled device is
 * signed with the device's Ed25519 key (RFC 9421 through core/wire): that signature is
 * the only credential, there is no token to steal. Bodies are sent as canonical JSON, or,
 * when they hold bytes (a sealed cable's key wraps), as JSON with a bytes section;
 * answers are parsed with the strict core parser (no duplicate keys) and checked by a
 * decoder, so the rest of the SDK only ever sees typed values. A `{ error: { code,
 * message } }` answer becomes a ClientError carrying the server's code.
 */
import { isErrorCode } from '../core/api/error-codes.ts';
import { decodeHeldAnswer, type HeldAnswer } from '../core/api/officer-act-routes.ts';
import { type Route, routeKey, routeParams, routePath } from '../core/api/route.ts';
import { randomBytes, toBase64url } from '../core/encoding/bytes.ts';
import type { JsonValue } from '../core/encoding/canonical-json.ts';
import type { Decoder } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { type BytesValue, encodeDocument } from '../core/encoding/json-with-bytes.ts';
import { parseJson } from '../core/encoding/parse-json.ts';
import type { RequestSigner } from '../core/wire/sign-request.ts';
import { signRequest } from '../core/wire/sign-request.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';

/** The `fetch` this client calls: the platform's, or a fake in tests. */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Base URL of the server, e.g. `https://valise.example` (a path prefix is kept). */
  readonly server: string;
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** The enrolled device that signs requests; absent before enrolment. */
  readonly device?: SigningDevice;
  /** How long to wait for a server's answer to begin before calling it unreachable. */
  readonly timeoutMs?: number;
}

/** A device that signs requests: its id, its key, and where it takes its sequence numbers. */
export interface SigningDevice {
  readonly id: string;
  readonly signer: RequestSigner;
  /** The next request sequence number (KeyStore.takeSequence of this device). */
  readonly sequence: () => Promise<number>;
}

export type QueryValue = string | number | boolean | undefined;

export interface CallOptions {
  /** The values of the route's `:name` parameters. */
  readonly params?: { readonly [name: string]: string };
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** The document of the body: bytes as base64url text, or as Uint8Arrays sent raw. */
  readonly body?: BytesValue;
  /** The body of a route that sends bytes. */
  readonly bytes?: Uint8Array;
}

export interface ApiRequest<T> {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path under the server, e.g. `/api/v1/inbox`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: BytesValue;
  /** A binary body (an encrypted attachment), sent as application/octet-stream instead. */
  readonly bytes?: Uint8Array;
  readonly decode: Decoder<T>;
  /** Send without a device signature (routes authorised otherwise, e.g. by an invitation). */
  readonly unsigned?: boolean;
  /** Headers the signature need not cover (Last-Event-ID of a stream). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** Largest answer read (a directory of many devices, a cable at the 4 MiB content limit). */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** A server that has not begun to answer in this long is treated as unreachable. */
const DEFAULT_TIMEOUT_MS = 30_000;

export class ApiClient {
  readonly server: string;
  readonly #fetch: Fetch;
  readonly #clock: Clock;
  readonly #device: ApiClientOptions['device'];
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch (cause) {
      throw new ClientError(
        'INVALID_ARGUMENT',
        `server ${JSON.stringify(options.server)} is not a URL; give e.g. https://valise.example`,
        { cause },
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ClientError('INVALID_ARGUMENT', `server must be an http(s) URL, not ${url.protocol}`);
    }
    this.server = url.href.replace(/\/+$/, '');
    this.#fetch = options.fetch;
    this.#clock = options.clock;
    this.#device = options.device;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The same server, signing as `device`. */
  as(device: SigningDevice): ApiClient {
    return new ApiClient({
      server: this.server,
      fetch: this.#fetch,
      clock: this.#clock,
      device,
      timeoutMs: this.#timeoutMs,
    });
  }

  /**
   * Calls `route` of the API table (core/api/routes.ts): its method and path (with `params`
   * filled in), unsigned when the route reads no signature; the body is checked with the
   * route's own decoder before it is sent, and the answer decoded with the route's.
   */
  async call<B, A>(route: Route<B, A>, options: CallOptions = {}): Promise<A> {
    if (typeof route.answer !== 'function')
      throw new RangeError(`${routeKey(route)} answers bytes: use download`);
    return this.request({ ...this.#prepare(route, options), decode: route.answer });
  }

  /** GET of a route whose answer is bytes (an encrypted attachment); errors are JSON as everywhere. */
  async download(
    route: Route<never, unknown>,
    options: Pick<CallOptions, 'params'> = {},
  ): Promise<Uint8Array> {
    const request = { ...this.#prepare(route, options), decode: () => undefined };
    const what = `${request.method} ${request.path}`;
    const response = await this.#send(request);
    if (!response.ok) throw errorOf(await readDocument(response, what), response.status, what);
    return new Uint8Array(await response.arrayBuffer());
  }

  /**
   * GET of a route whose answer is a stream (server-sent events): the open body, read by the
   * caller until it ends or `signal` aborts; a refusal is a ClientError as everywhere.
   */
  async stream(
    route: Route<never, unknown>,
    options: Pick<CallOptions, 'query'> & {
      readonly headers?: Readonly<Record<string, string>>;
      readonly signal?: AbortSignal;
    } = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const request = {
      ...this.#prepare(route, options.query ? { query: options.query } : {}),
      decode: () => undefined,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const what = `${request.method} ${request.path}`;
    const response = await this.#send(request);
    if (!response.ok) throw errorOf(await readDocument(response, what), response.status, what);
    if (!response.body) throw new ClientError('BAD_RESPONSE', `${what} answered no stream`);
    return response.body;
  }

  #prepare(route: Route<unknown, unknown>, options: CallOptions): Omit<ApiRequest<unknown>, 'decode'> {
    let path: string;
    try {
      path = routePath(route, options.params);
    } catch (cause) {
      throw new ClientError('INVALID_ARGUMENT', `${routeKey(route)} needs ${routeParams(route).join(', ')}`, {
        cause,
      });
    }
    const common = {
      method: route.method,
      path,
      ...(options.query ? { query: options.query } : {}),
      ...(route.auth === 'none' ? { unsigned: true } : {}),
    };
    if (route.body === 'bytes') {
      if (!options.bytes) throw new ClientError('INVALID_ARGUMENT', `${routeKey(route)} sends bytes`);
      return { ...common, bytes: options.bytes };
    }
    if (options.body === undefined) return common;
    if (typeof route.body === 'function') {
      try {
        route.body(options.body, '');
      } catch (cause) {
        if (!(cause instanceof EncodingError)) throw cause;
        throw new ClientError(
          'INVALID_ARGUMENT',
          `the request ${routeKey(route)} is not what API v1 accepts (${cause.message})`,
          { cause },
        );
      }
    }
    return { ...common, body: options.body };
  }

  async request<T>(request: ApiRequest<T>): Promise<T> {
    const what = `${request.method} ${request.path}`;
    const response = await this.#send(request);
    const document = await readDocument(response, what);
    if (!response.ok) throw errorOf(document, response.status, what);
    if (response.status === 202) throw heldError(document, what);
    try {
      return request.decode(document, '');
    } catch (cause) {
      if (!(cause instanceof EncodingError)) throw cause;
      throw new ClientError(
        'BAD_RESPONSE',
        `the answer to ${what} is not what API v1 says (${cause.message}); is the server the same version?`,
        {
          cause,
          status: response.status,
        },
      );
    }
  }

  async #send(request: ApiRequest<unknown>): Promise<Response> {
    const url = this.#url(request.path, request.query);
    const document = request.bytes || request.body === undefined ? undefined : encodeDocument(request.body);
    const body = request.bytes ?? document?.body;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (body) headers['content-type'] = document?.type ?? 'application/octet-stream';
    if (this.#device && !request.unsigned) {
      const signature = await signRequest(
        { method: request.method, url, headers, ...(body ? { body } : {}) },
        {
          keyId: this.#device.id,
          signer: this.#device.signer,
          now: this.#clock.nowSeconds(),
          nonce: toBase64url(randomBytes(16)),
          sequence: await this.#device.sequence(),
        },
      );
      Object.assign(headers, signature);
    }
    let response: Response;
    // The timer runs until the answer begins, so a long stream (server-sent events) is not cut.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.#timeoutMs);
    try {
      response = await this.#fetch(url, {
        method: request.method,
        headers,
        // The caller's signal (a stream it will stop) as well as the timer's.
        signal: request.signal ? AbortSignal.any([abort.signal, request.signal]) : abort.signal,
        ...(body ? { body: new Uint8Array(body) } : {}),
      });
    } catch (cause) {
      const why = abort.signal.aborted
        ? `no answer within ${Math.round(this.#timeoutMs / 1000)} s`
        : cause instanceof Error
          ? cause.cause instanceof Error
            ? cause.cause.message
            : cause.message
          : String(cause);
      throw new ClientError(
        'SERVER_UNREACHABLE',
        `cannot reach ${this.server} (${why}); check the server address and that it is running`,
        {
          cause,
        },
      );
    } finally {
      clearTimeout(timer);
    }
    return response;
  }

  #url(path: string, query: Readonly<Record<string, QueryValue>> | undefined): string {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== false)
        url.searchParams.set(key, value === true ? '1' : String(value));
    }
    return url.href;
  }
}

async function readDocument(response: Response, what: string): Promise<JsonValue | undefined> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length === 0) return undefined;
  try {
    return parseJson(bytes, { maxBytes: MAX_ANSWER_BYTES, maxDepth: 64 });
  } catch (cause) {
    if (!response.ok) return undefined;
    throw new ClientError(
      'BAD_RESPONSE',
      `the answer to ${what} is not JSON (HTTP ${response.status}); is the server a Valise server?`,
      {
        cause,
        status: response.status,
      },
    );
  }
}

/**
 * `{ error: { code, message }, ...detail }` → ClientError when `code` is one of the API's
 * codes (core/api/error-codes.ts); anything else is BAD_RESPONSE naming the status.
 */
function errorOf(document: JsonValue | undefined, status: number, what: string): ClientError {
  if (isRecord(document) && isRecord(document.error)) {
    const { code, message } = document.error;
    if (isErrorCode(code) && typeof message === 'string') {
      const { error: _error, ...detail } = document;
      return new ClientError(code, message.slice(0, 1000), { status, detail });
    }
    if (typeof code === 'string') {
      return new ClientError(
        'BAD_RESPONSE',
        `${what} failed with HTTP ${status} and the code ${JSON.stringify(code.slice(0, 64))}, which API v1 does not define; is the server the same version?`,
        { status },
      );
    }
  }
  return new ClientError(
    'BAD_RESPONSE',
    `${what} failed with HTTP ${status} and no error code; see the server's log`,
    { status },
  );
}

function isRecord(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * docs/design.md §5: an officer act the server holds for a second officer (202) did not take
 * effect, so the call that posted it does not succeed: it fails with ACT_HELD, whose message
 * says who must confirm it and how, and whose detail names the held act.
 */
function heldError(document: JsonValue | undefined, what: string): ClientError {
  let held: HeldAnswer;
  try {
    held = decodeHeldAnswer(document, '');
  } catch (cause) {
    return new ClientError(
      'BAD_RESPONSE',
      `${what} answered 202 without a held act; is the server the same version?`,
      {
        cause,
        status: 202,
      },
    );
  }
  return new ClientError('ACT_HELD', held.message, {
    status: 202,
    detail: { held: { ...held.held } },
  });
}
