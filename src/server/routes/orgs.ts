/**
 * GET /orgs/:org/head: where the organisation's series stands, so a sending device can
 * number its cable (docs/design.md §4). Only the organisation's own devices may ask: the head
 * reveals how much it sends.
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { MAX_YEAR, MIN_YEAR } from '../../core/cable/reference.ts';
import { yearOf } from '../../core/encoding/date-time-group.ts';
import { optional } from '../../core/encoding/decode.ts';
import { decodeOrgId } from '../../core/encoding/identifiers.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { readParams } from '../read-params.ts';
import { integerText, readQuery } from '../read-query.ts';
import { headJson } from '../series-head.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { serve } from './serve-route.ts';

export function orgRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.seriesHead, {}, async (request) => {
    const actor = requireActor(request);
    const { org } = readParams(request, { org: decodeOrgId });
    const query = readQuery(request, { year: optional(integerText({ min: MIN_YEAR, max: MAX_YEAR })) });
    if (actor.org.org !== org) {
      throw new ServerError('FORBIDDEN', `only devices of ${org} may read its series head`);
    }
    const head = await ctx.store.seriesHead(org, query.year ?? yearOf(unixSeconds(ctx.clock)));
    return headJson(head);
  });
}
