/**
 * The browser half of authentication (docs/design.md §1, §5), a preHandler that runs after the
 * device signature was verified (authenticate.ts):
 *
 * 1. Origin: a state-changing request that names an Origin must name this node's origin
 *    (a look-alike page's requests are refused); a browser device's must name it.
 * 2. A device enrolled in a browser (it has a passkey) must also present a live session of
 *    that same device: the device signature without the session is refused, and so is the
 *    cookie without the signature (authenticate.ts refuses unsigned requests), so a copied
 *    cookie is worthless on any other machine.
 * 3. The session is live: not signed out, not past 15 minutes idle or 12 hours in all, its
 *    device still in force (revocation ends it at once).
 * 4. Step-up: the acts of step-up-rule.ts need a passkey assertion of the last two minutes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { unixSeconds } from '../clock.ts';
import { sendError } from '../error-handler.ts';
import { rawBody } from '../read-body.ts';
import type { SessionRecord } from '../store/web-store.ts';
import { sessionIdHash } from './session-cookie.ts';
import { stepUpReason } from './step-up-rule.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';
import {
  SESSION_ABSOLUTE_SECONDS,
  SESSION_IDLE_SECONDS,
  STEP_UP_SECONDS,
  TOUCH_SECONDS,
} from './web-options.ts';

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export function registerBrowserChecks(app: FastifyInstance, web: WebContext): void {
  app.decorateRequest('webSession', null);
  app.addHook('preHandler', async (request, reply) => {
    if (request.is404) return;
    try {
      await checkBrowserRequest(request, web);
    } catch (error) {
      if (!(error instanceof WebError)) throw error;
      return sendError(reply, error) as FastifyReply;
    }
  });
}

async function checkBrowserRequest(request: FastifyRequest, web: WebContext): Promise<void> {
  const stateChanging = !SAFE_METHODS.includes(request.method);
  const origin = request.headers.origin;
  if (stateChanging && origin !== undefined && origin !== web.options.origin) {
    throw new WebError(
      'ORIGIN_MISMATCH',
      `this request comes from ${origin}, not from ${web.options.origin}; open Valise at its real address`,
    );
  }
  const actor = request.actor;
  // Unsigned: a route that needs a device was refused already; a cookie alone opens nothing.
  if (!actor) return;
  const device = actor.device.device;
  const idHash = sessionIdHash(request.headers.cookie);
  const passkey = await web.store.passkeyOfDevice(device);
  if (!passkey && idHash === undefined) return; // a command-line device: the signature is the credential
  if (passkey && stateChanging && origin === undefined) {
    throw new WebError('ORIGIN_MISMATCH', `a browser request must come from ${web.options.origin}`);
  }
  if (request.routeOptions.config.session === 'none') return;
  if (idHash === undefined) {
    throw new WebError('SESSION_REQUIRED', 'sign in with your passkey first');
  }
  const now = unixSeconds(web.ctx.clock);
  const session = await liveSession(web, idHash, now);
  if (session.device !== device) {
    throw new WebError(
      'SESSION_DEVICE_MISMATCH',
      'this session belongs to another device; sign in on this one',
    );
  }
  if (now - session.lastSeenAt >= TOUCH_SECONDS) await web.store.touchSession(idHash, now);
  const reason = stepUpReason(request.method, request.routeOptions.url ?? '', rawBody(request));
  if (
    reason !== undefined &&
    (session.steppedUpAt === undefined || now - session.steppedUpAt > STEP_UP_SECONDS)
  ) {
    throw new WebError('STEP_UP_REQUIRED', `${reason}: confirm with your passkey, then try again`);
  }
  request.webSession = session;
}

/** The session named by `idHash` if it is live now; otherwise SESSION_EXPIRED saying why. */
export async function liveSession(web: WebContext, idHash: Uint8Array, now: number): Promise<SessionRecord> {
  const session = await web.store.session(idHash);
  if (!session) throw new WebError('SESSION_EXPIRED', 'no such session; sign in again');
  if (session.endedAt !== undefined)
    throw new WebError('SESSION_EXPIRED', 'this session was signed out; sign in again');
  if (now >= session.expiresAt || now - session.createdAt >= SESSION_ABSOLUTE_SECONDS) {
    throw new WebError('SESSION_EXPIRED', 'sessions last 12 hours at most; sign in again');
  }
  if (now - session.lastSeenAt >= SESSION_IDLE_SECONDS) {
    await web.store.endSession(idHash, now);
    throw new WebError(
      'SESSION_EXPIRED',
      'the session ended after 15 minutes without activity; sign in again',
    );
  }
  // docs/design.md §5: a revoked device's sessions are dead at once.
  if (!web.ctx.directory.directory.device(session.device)) {
    await web.store.endDeviceSessions(session.device, now);
    throw new WebError('SESSION_EXPIRED', 'this device was revoked; its sessions are closed');
  }
  return session;
}
