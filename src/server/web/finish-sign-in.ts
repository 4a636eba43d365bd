/**
 * POST /api/v1/web/sign-in: a passkey assertion with user verification, in a request signed
 * by the same device, opens a session (docs/design.md §5). The session id is new at every sign-in
 * (a session the request carried is ended: no fixation), goes to the browser only in an
 * HttpOnly cookie, and is kept only as its SHA-256. The session row, the end of the one it
 * replaces and the `session.started` leaf commit in one transaction: there is no session the
 * log does not show, and no logged sign-in without its session.
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { refusalSource } from '../refusal-source.ts';
import { routeBody, serve } from '../routes/serve-route.ts';
import { ServerError } from '../server-error.ts';
import { authenticationResponse, clientDataOf } from './passkey-response.ts';
import { newSessionId, sessionCookie, sessionIdHash } from './session-cookie.ts';
import { verifyAssertion } from './verify-assertion.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';
import { SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS } from './web-options.ts';

export function finishSignInRoute(app: FastifyInstance, web: WebContext): void {
  const { ctx } = web;
  // The device signature is required, but checked after the passkey's origin, so that an
  // assertion relayed from a look-alike site is named for what it is (PASSKEY_WRONG_ORIGIN).
  serve(app, ROUTES.finishSignIn, { config: { session: 'none' } }, async (request, reply) => {
    const body = routeBody(request, ROUTES.finishSignIn, ctx.limits.maxBodyBytes);
    const now = unixSeconds(ctx.clock);
    const origin = clientDataOf(authenticationResponse(body.passkey, 'passkey')).origin;
    if (origin !== web.options.origin) {
      // The origin is the caller's text: it goes into the answer, never into the log.
      const admitted = await ctx.refusals.record({
        type: 'session.refused',
        code: 'PASSKEY_WRONG_ORIGIN',
        method: request.method,
        route: request.routeOptions.url ?? '/api/v1/web/sign-in',
        actor: actorOf(request.actor ?? undefined),
        source: refusalSource(request.ip),
      });
      if (!admitted) {
        throw new ServerError('RATE_LIMITED', 'too many refused sign-ins from this address; wait a minute');
      }
      throw new WebError(
        'PASSKEY_WRONG_ORIGIN',
        `this passkey assertion was made on ${origin.slice(0, 200)}, not on ${web.options.origin}: a look-alike site tried to use it; nothing was signed in`,
      );
    }
    const actor = requireActor(request);
    let passkey: Awaited<ReturnType<typeof verifyAssertion>>;
    try {
      passkey = await verifyAssertion(web, actor.device.device, 'sign-in', body.passkey, now);
    } catch (error) {
      if (error instanceof WebError) {
        await ctx.store.appendAudit(
          auditRecord({
            at: now,
            type: 'session.refused',
            actor: actorOf(actor),
            object: { kind: 'device', id: actor.device.device },
            detail: { code: error.code },
          }),
        );
      }
      throw error;
    }
    const previous = sessionIdHash(request.headers.cookie);
    const { cookieValue, idHash } = newSessionId();
    const expiresAt = now + SESSION_ABSOLUTE_SECONDS;
    await web.store.startSession(
      {
        idHash,
        device: actor.device.device,
        org: actor.org.org,
        user: actor.user.user,
        credentialId: passkey.credentialId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        // A sign-in is itself a fresh assertion.
        steppedUpAt: now,
        endedAt: undefined,
      },
      auditRecord({
        at: now,
        type: 'session.started',
        actor: actorOf(actor),
        object: { kind: 'device', id: actor.device.device },
        detail: { passkey: passkey.credentialId, deviceType: passkey.deviceType },
      }),
      previous,
    );
    reply.header('set-cookie', sessionCookie(cookieValue, SESSION_ABSOLUTE_SECONDS));
    return reply.status(201).send({ expiresAt, idleSeconds: SESSION_IDLE_SECONDS });
  });
}
