/**
 * Signed requests (DESIGN §1, docs/api.md "Authentication"). One preHandler for every route:
 * it adapts the Fastify request to core/wire's framework-neutral shape, verifies the RFC 9421
 * signature (key id = device id, key from the verified directory, nonces in the store), then
 * checks that the device is still in force, then takes a token from the device's rate limit.
 * Routes say what they need in `config.auth`; a route that says nothing requires a device.
 *
 * The order is deliberate: a revoked device's key still verifies, so only the holder of
 * that key learns the device is revoked; anyone else gets the signature error.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import type { WireRequest } from '../core/wire/request-profile.ts';
import { RequestSignatureError } from '../core/wire/request-signature-error.ts';
import { verifyRequest } from '../core/wire/verify-request.ts';
import { unixSeconds } from './clock.ts';
import { rawBody } from './read-body.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError } from './server-error.ts';
import { stoppedError } from './watch/meter-read.ts';

/** `device`: a signed request from an enrolled device; `optional`: signed or not; `none`: never read. */
export const AUTH_MODES = ['device', 'optional', 'none'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
  interface FastifyRequest {
    /** The authenticated device and its chain, or null for an unsigned request. */
    actor: DirectoryDevice | null;
  }
}

export function registerAuthentication(app: FastifyInstance, ctx: ServerContext): void {
  app.decorateRequest('actor', null);
  app.addHook('preHandler', async (request) => {
    // An unknown route is answered 404 as is: the route list is public (docs/api.md).
    if (request.is404) return;
    const mode = request.routeOptions.config.auth ?? 'device';
    if (mode === 'none') return;
    if (mode === 'optional' && !isSigned(request)) return;
    const actor = await authenticate(request, ctx);
    if (!ctx.limiter.take(actor.device.device, ctx.clock.now())) {
      throw new ServerError(
        'RATE_LIMITED',
        'this device sends too many requests; slow down and retry shortly',
      );
    }
    request.actor = actor;
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

async function authenticate(request: FastifyRequest, ctx: ServerContext): Promise<DirectoryDevice> {
  const now = unixSeconds(ctx.clock);
  let keyId: string | undefined;
  try {
    const directory = await ctx.directory.refresh();
    const verified = await verifyRequest(wireRequest(request), {
      now,
      nonces: ctx.nonces,
      resolveKey: async (id) => {
        keyId = id;
        return ctx.directory.deviceCertificate(id)?.signingKey;
      },
    });
    // The key verified; now the device must still be in force (DESIGN §5: revocation is at once).
    const actor = directory.device(verified.keyId);
    if (!actor) {
      throw new ServerError('DEVICE_REVOKED', 'this device, its user or its organisation has been revoked');
    }
    if (now >= actor.device.expiresAt) {
      throw new ServerError('DEVICE_EXPIRED', 'this device certificate has expired; enrol the device again');
    }
    // docs/design.md §9: a device the watch held or suspended does nothing until an officer
    // releases it. (A step-up pauses reading only, so the passkey touch that lifts it works.)
    const watch = await ctx.store.watch.device(actor.device.device);
    if (watch && (watch.state === 'held' || watch.state === 'suspended')) {
      throw stoppedError(actor, watch.state, watch.reason, watch.since);
    }
    return actor;
  } catch (error) {
    const code =
      error instanceof RequestSignatureError
        ? error.code
        : error instanceof ServerError && (error.code === 'DEVICE_REVOKED' || error.code === 'DEVICE_EXPIRED')
          ? error.code
          : undefined;
    if (code === undefined) throw error;
    const cert = keyId === undefined ? undefined : ctx.directory.deviceCertificate(keyId);
    await ctx.refusals.record({
      code,
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      actor: cert ? { org: cert.org, user: cert.user, device: cert.device } : {},
      ...(keyId === undefined ? {} : { keyId }),
    });
    throw new ServerError(code, (error as Error).message, { cause: error });
  }
}

/** The request as core/wire sees it: target as received, headers as single strings, raw body. */
export function wireRequest(request: FastifyRequest): WireRequest {
  const url = request.raw.url ?? request.url;
  const at = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  return {
    method: request.method,
    authority: request.headers.host ?? '',
    path: at < 0 ? url : url.slice(0, at),
    query: at < 0 ? '' : url.slice(at),
    headers,
    body: rawBody(request),
  };
}
