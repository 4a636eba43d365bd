/**
 * POST /api/v1/web/sign-out ends the session at once (its hash stays, marked ended, so the id
 * can never come back) and clears the cookie; GET /api/v1/web/session says what the live
 * session is, for the app to show and to time its idle warning. A sign-out and its
 * `session.ended` leaf commit together.
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { routeBody, serve } from '../routes/serve-route.ts';
import { clearedSessionCookie } from './session-cookie.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';
import { SESSION_IDLE_SECONDS, STEP_UP_SECONDS } from './web-options.ts';

export function signOutRoutes(app: FastifyInstance, web: WebContext): void {
  serve(app, ROUTES.signOut, {}, async (request, reply) => {
    const actor = requireActor(request);
    routeBody(request, ROUTES.signOut, web.ctx.limits.maxBodyBytes, { mayBeEmpty: true });
    const session = request.webSession;
    if (!session) throw new WebError('SESSION_REQUIRED', 'there is no session to sign out of');
    const now = unixSeconds(web.ctx.clock);
    await web.store.endSession(
      session.idHash,
      now,
      auditRecord({
        at: now,
        type: 'session.ended',
        actor: actorOf(actor),
        object: { kind: 'device', id: actor.device.device },
        detail: { why: 'signed out' },
      }),
    );
    reply.header('set-cookie', clearedSessionCookie());
    return { ended: true };
  });

  serve(app, ROUTES.webSession, {}, async (request) => {
    const actor = requireActor(request);
    const session = request.webSession;
    if (!session) throw new WebError('SESSION_REQUIRED', 'sign in with your passkey first');
    const now = unixSeconds(web.ctx.clock);
    const steppedUpUntil = session.steppedUpAt === undefined ? 0 : session.steppedUpAt + STEP_UP_SECONDS;
    return {
      device: actor.device.device,
      user: actor.user.user,
      name: actor.user.name,
      org: actor.org.org,
      role: actor.user.role,
      clearance: actor.user.clearance,
      expiresAt: session.expiresAt,
      idleExpiresAt: now + SESSION_IDLE_SECONDS,
      steppedUpUntil,
      now,
    };
  });

  serve(app, ROUTES.webConfig, {}, async () => ({
    origin: web.options.origin,
    rpId: web.options.rpId,
    requireAal3: web.options.requireAal3,
    now: unixSeconds(web.ctx.clock),
    demo: web.options.demo,
  }));
}
