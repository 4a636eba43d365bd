/**
 * Signed requests (docs/design.md §1, docs/api.md "Authentication"). Every route goes through here:
 * it adapts the Fastify request to core/wire's framework-neutral shape, verifies the RFC 9421
 * signature (key id = device id, key from the verified directory, nonces in the store), then
 * checks that the device is still in force, then takes a token from the device's rate limit.
 * Routes say what they need in `config.auth`; a route that says nothing requires a device.
 *
 * Two steps, so that a body costs memory only once its sender is known:
 * 1. preParsing, before one body byte is read: the signature over the headers (which covers
 *    Content-Digest), the device in force, its rate limit. An unsigned request to a route
 *    that needs a device, or a forged one, is answered here and its body is never read; an
 *    unsigned request to a route that allows one takes a token from its source address's
 *    limit. The body stream is wrapped to hash what is read.
 * 2. preHandler, once the route's content-type parser has read the body (within the route's
 *    limit): the hash must be the covered Content-Digest, and only then is the nonce used up;
 *    then the watch observes the request's sequence number and origin (docs/design.md §9).
 *
 * The signed `@authority` is the node's configured origin, never the request's own Host
 * field, so a signature made for another host does not verify here.
 *
 * The order is deliberate: a revoked device's key still verifies, so only the holder of
 * that key learns the device is revoked (when, and by whom); anyone else gets the signature
 * error. Likewise a device whose enrolment waits for its officer: its request is verified
 * under the keys it enrolled with, and only then is it told DEVICE_PENDING. A request that
 * names a pending device but does not verify under its keys is answered UNKNOWN_KEY, as for
 * an id the server never saw, so a pending enrolment is not revealed to anyone but its holder.
 * UNKNOWN_KEY therefore means, to the holder of a key, that this server knows nothing of its
 * device (never enrolled here, removed, or a network started afresh).
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RANDOM_ID_PATTERN } from '../core/encoding/identifiers.ts';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import { RequestSignatureError } from '../core/wire/request-signature-error.ts';
import {
  finishRequest,
  type VerifiedHead,
  verifyRequestHead,
  type WireRequestHead,
} from '../core/wire/verify-request.ts';
import { unixSeconds } from './clock.ts';
import type { RateLimit } from './rate-limiter.ts';
import { TokenBucketRateLimiter } from './rate-limiter.ts';
import { rawBody } from './read-body.ts';
import { refusalSource } from './refusal-source.ts';
import { revokedError } from './revoked-error.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError, type ServerErrorCode } from './server-error.ts';
import { stoppedError } from './watch/meter-read.ts';
import { observingNonces } from './watch/observe-request.ts';

/** `device`: a signed request from an enrolled device; `optional`: signed or not; `none`: never read. */
export const AUTH_MODES = ['device', 'optional', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
    /** A device the watch held may still call this route: the passkey step-up that releases it. */
    heldMayCall?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated device and its chain, or null for an unsigned request. */
    actor: DirectoryDevice | null;
  }
}

export interface AuthenticationOptions {
  /**
   * The node's origin (`https://valise.example`), whose host the signatures must name as
   * `@authority`. Port 0 stands for the port the node was given when it listened.
   */
  readonly origin: string;
  /** Unsigned requests to routes that allow them, per source address. */
  readonly unsignedRateLimit: RateLimit;
}

/** What step 1 leaves for step 2, per request. */
interface Pending {
  readonly head: VerifiedHead;
  readonly actor: DirectoryDevice;
  readonly hash: Hash;
  /** True once the body stream was read to its end. */
  read: boolean;
}

export function registerAuthentication(
  app: FastifyInstance,
  ctx: ServerContext,
  options: AuthenticationOptions,
): void {
  const origin = new URL(options.origin);
  const unsigned = new TokenBucketRateLimiter(options.unsignedRateLimit);
  const pending = new WeakMap<FastifyRequest, Pending>();
  // The configured authority; port 0 is resolved once the node listens.
  const authority = (): string => {
    if (origin.port !== '0') return origin.host;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `${origin.hostname}:${port}`;
  };

  app.decorateRequest('actor', null);
  app.addHook('preParsing', async (request, _reply, payload) => {
    // An unknown route is answered 404 as is: the route list is public (docs/api.md).
    if (request.is404) return payload;
    const mode = request.routeOptions.config.auth ?? 'device';
    if (mode === 'none') return payload;
    if (mode === 'optional' && !isSigned(request)) {
      if (!unsigned.take(`address:${request.ip}`, ctx.clock.now())) {
        throw new ServerError('RATE_LIMITED', 'too many unsigned requests from this address; retry shortly');
      }
      return payload;
    }
    const { head, actor } = await refusingAudited(request, ctx, (keyId) =>
      authenticateHead(request, ctx, authority(), keyId),
    );
    if (!ctx.limiter.take(actor.device.device, ctx.clock.now())) {
      throw new ServerError(
        'RATE_LIMITED',
        'this device sends too many requests; slow down and retry shortly',
      );
    }
    const entry: Pending = { head, actor, hash: createHash('sha256'), read: false };
    pending.set(request, entry);
    return payload.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          entry.hash.update(chunk);
          done(null, chunk);
        },
        flush(done) {
          entry.read = true;
          done();
        },
      }),
    );
  });
  app.addHook('preHandler', async (request) => {
    const entry = pending.get(request);
    if (!entry) return;
    pending.delete(request);
    // A route whose parser did not read the stream (no body) is checked against what it kept.
    const digest = entry.read
      ? new Uint8Array(entry.hash.digest())
      : new Uint8Array(createHash('sha256').update(rawBody(request)).digest());
    // docs/design.md §9: the watch observes every authenticated request (observe-request.ts),
    // in the commit that takes its nonce, the last step of verification.
    const heldMayCall = request.routeOptions.config.heldMayCall === true;
    const observed = observingNonces(ctx, entry.actor, entry.head.sequence, request.ip, heldMayCall);
    await refusingAudited(request, ctx, (keyId) => {
      keyId.value = entry.head.keyId;
      return finishRequest(entry.head, digest, observed.nonces);
    });
    observed.settle();
    request.actor = entry.actor;
  });
}

/** The authenticated device; for routes whose `auth` is `optional`, fails when unsigned. */
export function requireActor(request: FastifyRequest): DirectoryDevice {
  if (!request.actor) {
    throw new ServerError('SIGNATURE_MISSING', 'this request must be signed by an enrolled device');
  }
  return request.actor;
}

function isSigned(request: FastifyRequest): boolean {
  return request.headers.signature !== undefined || request.headers['signature-input'] !== undefined;
}

async function authenticateHead(
  request: FastifyRequest,
  ctx: ServerContext,
  authority: string,
  keyId: { value?: string },
): Promise<{ head: VerifiedHead; actor: DirectoryDevice }> {
  const now = unixSeconds(ctx.clock);
  const directory = await ctx.directory.refresh();
  // Where the key came from: a certificate (in force or not), or an enrolment still pending.
  let pending = false;
  const head = await verifyRequestHead(wireRequestHead(request, authority), {
    now,
    nonces: ctx.nonces,
    resolveKey: async (id) => {
      keyId.value = id;
      const certified = ctx.directory.deviceCertificate(id)?.signingKey;
      if (certified !== undefined || !RANDOM_ID_PATTERN.test(id)) return certified;
      const enrolment = await ctx.store.enrolment(id);
      pending = enrolment?.status === 'pending';
      return pending ? enrolment?.signingKey : undefined;
    },
  }).catch((error: unknown) => {
    // A pending enrolment is revealed only to a request its keys verify: otherwise, unknown.
    if (pending && error instanceof RequestSignatureError) {
      throw new RequestSignatureError(
        'UNKNOWN_KEY',
        `no device key is known as "${keyId.value}"; enrol the device first`,
      );
    }
    // Reached by another name than its origin, the node says which name signatures must use.
    if (
      error instanceof RequestSignatureError &&
      error.code === 'SIGNATURE_INVALID' &&
      request.headers.host?.toLowerCase() !== authority.toLowerCase()
    ) {
      throw new RequestSignatureError(
        'SIGNATURE_INVALID',
        `${error.message}; signatures must name this node's origin host, ${authority} (use that address as the server)`,
        { cause: error },
      );
    }
    throw error;
  });
  if (pending) {
    throw new ServerError(
      'DEVICE_PENDING',
      "this device's enrolment waits for approval by its security officer; read them its comparison code, then try again once they approved it",
    );
  }
  // The key verified; now the device must still be in force (docs/design.md §5: revocation is at once).
  const actor = directory.device(head.keyId);
  const certificate = ctx.directory.deviceCertificate(head.keyId);
  if (!actor && certificate) throw revokedError(directory, certificate);
  if (!actor) {
    throw new ServerError('DEVICE_REVOKED', 'this device, its user or its organisation has been revoked');
  }
  if (now >= actor.device.expiresAt) {
    throw new ServerError('DEVICE_EXPIRED', 'this device certificate has expired; enrol the device again');
  }
  // docs/design.md §9: a device the watch held or suspended does nothing until an officer
  // releases it, and is told so in words that say whom to call. A held device may still
  // reach the passkey step-up that releases a browser device; a suspended one reaches nothing.
  const watch = await ctx.store.watch.device(actor.device.device);
  const stepUp = watch?.state === 'held' && request.routeOptions.config.heldMayCall === true;
  if (watch && watch.state !== 'active' && !stepUp) {
    throw stoppedError(actor, watch.state, watch.reason, watch.since);
  }
  return { head, actor };
}

/** Runs one step; a refusal is recorded (bounded, refusal-recorder.ts) and answered with its code. */
async function refusingAudited<T>(
  request: FastifyRequest,
  ctx: ServerContext,
  step: (keyId: { value?: string }) => Promise<T>,
): Promise<T> {
  const keyId: { value?: string } = {};
  try {
    return await step(keyId);
  } catch (error) {
    const code: ServerErrorCode | undefined =
      error instanceof RequestSignatureError
        ? error.code
        : error instanceof ServerError &&
            (error.code === 'DEVICE_REVOKED' ||
              error.code === 'DEVICE_EXPIRED' ||
              error.code === 'DEVICE_PENDING')
          ? error.code
          : undefined;
    if (code === undefined) throw error;
    const cert = keyId.value === undefined ? undefined : ctx.directory.deviceCertificate(keyId.value);
    await ctx.refusals.record({
      code,
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      actor: cert ? { org: cert.org, user: cert.user, device: cert.device } : {},
      source: refusalSource(request.ip),
    });
    throw new ServerError(code, (error as Error).message, { cause: error });
  }
}

/** The request's headers as core/wire sees them: target as received, headers as single strings. */
function wireRequestHead(request: FastifyRequest, authority: string): WireRequestHead {
  const url = request.raw.url ?? request.url;
  const at = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  const length = request.headers['content-length'];
  return {
    method: request.method,
    authority,
    path: at < 0 ? url : url.slice(0, at),
    query: at < 0 ? '' : url.slice(at),
    headers,
    hasBody: request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'),
  };
}
