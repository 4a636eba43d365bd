/**
 * POST /api/v1/web/step-up: a fresh passkey assertion within a live session, which the acts
 * of step-up-rule.ts need in the two minutes before them (DESIGN §5). The session's new
 * step-up time and its `session.stepped-up` leaf commit together.
 */
import type { FastifyInstance } from 'fastify';
import { object } from '../../core/encoding/decode.ts';
import { actorOf } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { readBody } from '../read-body.ts';
import { anyJson } from './finish-enrolment.ts';
import { verifyAssertion } from './verify-assertion.ts';
import { webAuditRecord } from './web-audit.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';
import { STEP_UP_SECONDS } from './web-options.ts';

const decodePasskeyBody = object({ passkey: anyJson });

export function finishStepUpRoute(app: FastifyInstance, web: WebContext): void {
  app.post('/web/step-up', async (request) => {
    const actor = requireActor(request);
    const session = request.webSession;
    if (!session) throw new WebError('SESSION_REQUIRED', 'sign in with your passkey first');
    const body = readBody(request, decodePasskeyBody, web.ctx.limits.maxBodyBytes);
    const now = unixSeconds(web.ctx.clock);
    await verifyAssertion(web, actor.device.device, 'step-up', body.passkey, now);
    await web.store.stepUp(
      session.idHash,
      now,
      webAuditRecord({
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
