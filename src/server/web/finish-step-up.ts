/**
 * POST /api/v1/web/step-up: a fresh passkey assertion within a live session, which the acts
 * of step-up-rule.ts need in the two minutes before them (docs/design.md §5). The session's new
 * step-up time and its `session.stepped-up` leaf commit together.
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { routeBody, serve } from '../routes/serve-route.ts';
import { verifyAssertion } from './verify-assertion.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';
import { STEP_UP_SECONDS } from './web-options.ts';

export function finishStepUpRoute(app: FastifyInstance, web: WebContext): void {
  serve(app, ROUTES.finishStepUp, {}, async (request) => {
    const actor = requireActor(request);
    const session = request.webSession;
    if (!session) throw new WebError('SESSION_REQUIRED', 'sign in with your passkey first');
    const body = routeBody(request, ROUTES.finishStepUp, web.ctx.limits.maxBodyBytes);
    const now = unixSeconds(web.ctx.clock);
    await verifyAssertion(web, actor.device.device, 'step-up', body.passkey, now);
    await web.store.stepUp(
      session.idHash,
      now,
      auditRecord({
        at: now,
        type: 'session.stepped-up',
        actor: actorOf(actor),
        object: { kind: 'device', id: actor.device.device },
        detail: {},
      }),
    );
    return { until: now + STEP_UP_SECONDS };
  });
}
