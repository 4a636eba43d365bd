/**
 * GET /inbox: the cables this device holds a wrap for, newest first, a page at a time
 * (cursor paging on the wraps (device, cable_seq) key), with filters; GET /inbox/stream:
 * the same device's new cables as they arrive; POST /inbox/summaries: the sealed subjects
 * and tags of format-4 cables the device asks for, with its wraps, served only once the
 * listing is on record and metered (docs/design.md §8, §9: listing subjects is reading them).
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { PRECEDENCES } from '../../core/cable/precedence.ts';
import { formatReference } from '../../core/cable/reference.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { enumOf, optional } from '../../core/encoding/decode.ts';
import { CLASSIFICATIONS } from '../../core/identity/classification.ts';
import { requireActor } from '../authenticate.ts';
import { decodeCursor, encodeCursor } from '../inbox-cursor.ts';
import { roleOf } from '../inbox-role.ts';
import { inboxStream } from '../inbox-stream.ts';
import { flagText, integerText, readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { meterListing } from '../watch/meter-listing.ts';
import { routeBody, serve } from './serve-route.ts';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 100;

const QUERY = {
  limit: optional(integerText({ min: 1, max: MAX_PAGE })),
  before: optional(decodeCursor),
  precedence: optional(enumOf(PRECEDENCES)),
  classification: optional(enumOf(CLASSIFICATIONS)),
  unacknowledged: optional(flagText),
  since: optional(integerText({ min: 0, max: Number.MAX_SAFE_INTEGER })),
};

export function inboxRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Live streams never end on their own: closing the server ends them first.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  serve(app, ROUTES.inboxStream, {}, async (request, reply) => {
    readQuery(request, {});
    await inboxStream(ctx, request, reply, requireActor(request), closing.signal);
  });

  serve(app, ROUTES.inboxSummaries, {}, async (request, reply) => {
    const actor = requireActor(request);
    const { ids } = routeBody(request, ROUTES.inboxSummaries, ctx.limits.maxBodyBytes);
    // Ids the device holds no wrap for, or of cables before format 4, are left out: policy
    // decides who may know a cable exists, and an old cable has no summary to list.
    const listed = await ctx.store.summaries(actor.device.device, ids, (cables) =>
      meterListing(ctx, actor, cables),
    );
    const items = listed.map((l) => ({
      id: l.id,
      summary: toBase64url(l.summary),
      wrap: { device: l.wrap.device, enc: toBase64url(l.wrap.enc), key: toBase64url(l.wrap.key) },
    }));
    return reply.send({ items });
  });

  serve(app, ROUTES.inbox, {}, async (request, reply) => {
    const actor = requireActor(request);
    const query = readQuery(request, QUERY);
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await ctx.store.inbox({
      device: actor.device.device,
      org: actor.org.org,
      limit: limit + 1,
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.precedence !== undefined ? { precedence: query.precedence } : {}),
      ...(query.classification !== undefined ? { classification: query.classification } : {}),
      ...(query.unacknowledged !== undefined ? { unacknowledged: query.unacknowledged } : {}),
      ...(query.since !== undefined ? { since: query.since } : {}),
    });
    const page = rows.slice(0, limit);
    // Headers are stored canonical: spliced in as signed, not parsed and printed again.
    const items = page.map(({ cable, acknowledged, acknowledgements }) => {
      const headerText = new TextDecoder().decode(cable.header);
      const role = roleOf(cable, actor);
      const fields = JSON.stringify({
        id: cable.id,
        reference: formatReference(cable),
        signature: toBase64url(cable.signature),
        acknowledged,
        acks: acknowledgements,
        role,
      });
      return `{"header":${headerText},${fields.slice(1)}`;
    });
    const last = page.at(-1);
    const next = rows.length > limit && last ? `,"next":"${encodeCursor(last.cable.seq)}"` : '';
    return reply.type('application/json; charset=utf-8').send(`{"items":[${items.join(',')}]${next}}`);
  });
}
