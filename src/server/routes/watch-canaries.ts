/**
 * Canary cables (docs/design.md §9): a security officer seals and sends an ordinary cable
 * to their own people (POST /cables, nothing in it says "canary"), then marks it here. The
 * marking lives only in the watch's records; a fetch of the cable by a device it watches
 * suspends that device at once (server/store/sql-watch-signals.ts).
 *
 * Checks, in order (each refusal writes nothing):
 * - only a security officer of the organisation plants, and only in it;
 * - the cable exists and was sent by the officer's organisation;
 * - it goes to that organisation only: a canary must never stop another organisation's
 *   devices, on which this officer has no say (docs/design.md §9: officers act on their own
 *   organisation only);
 * - every user named is a user of the organisation in the directory;
 * - a cable is planted once.
 */
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { optional } from '../../core/encoding/decode.ts';
import { decodeOrgId } from '../../core/encoding/identifiers.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { isOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { routeBody, serve } from './serve-route.ts';
import { readableOrg } from './watch-access.ts';

export function canaryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.plantCanary, {}, async (request, reply) => {
    const actor = requireActor(request);
    const org = actor.org.org;
    if (!isOfficerOf(actor, org)) {
      throw new ServerError('FORBIDDEN', `only a security officer of ${org} may plant canaries`);
    }
    const { cable: id, targets, reason } = routeBody(request, ROUTES.plantCanary, ctx.limits.maxBodyBytes);
    const cable = await ctx.store.cable(id);
    if (!cable || cable.org !== org) {
      throw new ServerError('NOT_FOUND', `no cable ${id} sent by ${org}; send the decoy cable first`);
    }
    if (cable.distribution.some((a) => a.org !== org)) {
      throw new ServerError(
        'INVALID_VALUE',
        `cable ${id} goes to other organisations too; a canary goes to ${org}'s own people only`,
        { field: 'cable' },
      );
    }
    const directory = ctx.directory.directory;
    for (const [i, user] of targets.users.entries()) {
      if (directory.user(user)?.org !== org) {
        throw new ServerError('INVALID_VALUE', `${user} is not a user of ${org}`, {
          field: `targets.users.${i}`,
        });
      }
    }
    const at = unixSeconds(ctx.clock);
    const planted = await ctx.store.watch.plantCanary(
      { cable: id, cableSeq: cable.seq, org, targets, plantedBy: actor.device.device, plantedAt: at, reason },
      auditRecord({
        at,
        type: 'watch.canary',
        actor: actorOf(actor),
        object: { kind: 'cable', id, org },
        detail: { users: [...targets.users], groups: [...targets.groups], reason },
      }),
    );
    if (!planted) throw new ServerError('ALREADY_EXISTS', `cable ${id} is a canary already`);
    return reply.status(201).send({
      cable: id,
      org,
      targets: { users: [...targets.users], groups: [...targets.groups] },
      plantedBy: actor.device.device,
      plantedAt: at,
      reason,
    });
  });

  serve(app, ROUTES.watchCanaries, {}, async (request) => {
    const actor = requireActor(request);
    const org = readableOrg(actor, readQuery(request, { org: optional(decodeOrgId) }).org);
    return { org, items: await ctx.store.watch.canaries(org) };
  });
}
