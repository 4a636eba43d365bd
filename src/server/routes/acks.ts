/**
 * Acknowledgements (docs/design.md §2): an addressee organisation acknowledges a cable once, by any
 * of its entitled devices; action addressees must, info addressees may. The sender's
 * organisation sees the delivery board: per addressee, delivered, acknowledged, overdue
 * (delivery/delivery-board.ts).
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { formatReference } from '../../core/cable/reference.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { deliveryBoard } from '../delivery/delivery-board.ts';
import type { Checkpointer } from '../log/checkpointer.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { entitledCable } from './cables.ts';
import { routeBody, serve } from './serve-route.ts';

export function ackRoutes(app: FastifyInstance, ctx: ServerContext, checkpointer: Checkpointer): void {
  serve(app, ROUTES.acknowledge, {}, async (request, reply) => {
    const actor = requireActor(request);
    routeBody(request, ROUTES.acknowledge, ctx.limits.maxBodyBytes, { mayBeEmpty: true });
    const cable = await entitledCable(ctx, request, actor.device.device);
    const org = actor.org.org;
    if (!cable.distribution.some((d) => d.org === org)) {
      throw new ServerError(
        'FORBIDDEN',
        `${org} is not an addressee of this cable; only addressees acknowledge`,
      );
    }
    const now = unixSeconds(ctx.clock);
    const { created, ack } = await ctx.store.acknowledge(
      cable.seq,
      { org, user: actor.user.user, device: actor.device.device, at: now },
      auditRecord({
        at: now,
        type: 'cable.acknowledged',
        actor: actorOf(actor),
        object: { kind: 'cable', id: cable.id, org: cable.org },
        detail: { reference: formatReference(cable), org },
      }),
    );
    // The answer is the acknowledgement itself: who, for which organisation, when.
    return reply
      .status(created ? 201 : 200)
      .send({ org: ack.org, user: ack.user, device: ack.device, at: ack.at });
  });

  serve(app, ROUTES.acks, {}, async (request) => {
    const actor = requireActor(request);
    const cable = await entitledCable(ctx, request, actor.device.device);
    if (cable.org !== actor.org.org) {
      throw new ServerError(
        'FORBIDDEN',
        `only ${cable.org}, the sender's organisation, sees who acknowledged`,
      );
    }
    return deliveryBoard(ctx, checkpointer, cable);
  });
}
