/**
 * An organisation's working hours (docs/design.md §9): its officers set them, and a read
 * outside them adds to a person's device score. Until they are set, the defaults of
 * core/watch/working-hours.ts apply (and are answered with `tuned: false`).
 */
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { optional } from '../../core/encoding/decode.ts';
import { decodeOrgId } from '../../core/encoding/identifiers.ts';
import { DEFAULT_WORKING_HOURS } from '../../core/watch/working-hours.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { isOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { routeBody, serve } from './serve-route.ts';
import { readableOrg } from './watch-access.ts';

export function hoursRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.workingHours, {}, async (request) => {
    const actor = requireActor(request);
    const org = readableOrg(actor, readQuery(request, { org: optional(decodeOrgId) }).org);
    const hours = await ctx.store.watch.hours(org);
    return { org, tuned: hours !== undefined, hours: plain(hours ?? DEFAULT_WORKING_HOURS) };
  });

  serve(app, ROUTES.setWorkingHours, {}, async (request) => {
    const actor = requireActor(request);
    const org = actor.org.org;
    if (!isOfficerOf(actor, org)) {
      throw new ServerError('FORBIDDEN', `only a security officer of ${org} may set its working hours`);
    }
    const { hours } = routeBody(request, ROUTES.setWorkingHours, ctx.limits.maxBodyBytes);
    const at = unixSeconds(ctx.clock);
    await ctx.store.watch.setHours(
      org,
      hours,
      auditRecord({
        at,
        type: 'watch.hours',
        actor: actorOf(actor),
        object: { kind: 'org', id: org, org },
        detail: plain(hours),
      }),
    );
    return { org, tuned: true, hours: plain(hours) };
  });
}

function plain(hours: typeof DEFAULT_WORKING_HOURS) {
  return { timeZone: hours.timeZone, days: [...hours.days], start: hours.start, end: hours.end };
}
