/**
 * Requests refused for authorisation are audit events too (docs/design.md §8): a signed
 * request from a device in force that its role or the policy does not allow (403), and a
 * request for a cable the device is not entitled to (404 on the cable routes: policy lets
 * it not know the cable exists, but its security officer should know it asked). Signature
 * and revocation refusals are recorded where they are decided (authenticate.ts). All share
 * the RefusalRecorder's per-device budget, so a flood cannot fill the log.
 */
import type { FastifyInstance } from 'fastify';
import { actorOf } from './audit-event.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError } from './server-error.ts';

const CABLE_ROUTE = /\/cables\/:id(\/|$)/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function registerRefusalAudit(app: FastifyInstance, ctx: ServerContext): void {
  app.addHook('onError', async (request, _reply, error) => {
    if (!(error instanceof ServerError) || !request.actor) return;
    const route = request.routeOptions.url ?? 'unknown';
    const refused = error.code === 'FORBIDDEN' || (error.code === 'NOT_FOUND' && CABLE_ROUTE.test(route));
    if (!refused) return;
    const id = (request.params as { id?: unknown } | undefined)?.id;
    await ctx.refusals.record({
      code: error.code,
      method: request.method,
      route,
      actor: actorOf(request.actor),
      ...(typeof id === 'string' && ID.test(id) ? { about: { cable: id } } : {}),
    });
  });
}
