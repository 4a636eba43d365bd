/**
 * Cables: POST /cables accepts a sealed cable (see accept-cable.ts for the checklist);
 * GET /cables/:id hands one entitled device the header, the content (with format 4's sealed
 * summary, which opening checks against it) and its own wrap only,
 * after the fetch is on record (docs/design.md §8: no unlogged read).
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { formatReference, parseReference } from '../../core/cable/reference.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { decodeCableId } from '../../core/encoding/identifiers.ts';
import { acceptCable } from '../accept-cable.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { fromEncodingError } from '../read-body.ts';
import { receiptJson } from '../receipt.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { CableRecord } from '../store/store.ts';
import { meterRead } from '../watch/meter-read.ts';
import { routeBodyOffThread, serve } from './serve-route.ts';

/** The cable named by `:id`, if `device` holds a wrap for it; 404 otherwise (docs/design.md §6). */
export async function entitledCable(
  ctx: ServerContext,
  request: FastifyRequest,
  device: string,
  cableId?: string,
): Promise<CableRecord> {
  const id = cableId ?? readCableIdParam(request);
  const cable = await ctx.store.cable(id);
  // One answer for "no such cable" and "not yours": policy decides who may know it exists.
  if (!cable || !(await ctx.store.wrap(cable.seq, device))) {
    throw new ServerError('NOT_FOUND', `no cable ${id} for this device`);
  }
  return cable;
}

/**
 * The `:id` of a cable route. A cable is addressed by its id; a reference (`DE/42/26`) names
 * a cable only to the people who can see its series, so the client resolves it from its
 * inbox first (client/resolve-cable-id.ts) and the server says so rather than "out of range".
 */
export function readCableIdParam(request: FastifyRequest): string {
  const raw = (request.params as { readonly id?: unknown } | undefined)?.id;
  if (typeof raw === 'string' && isReference(raw)) {
    throw new ServerError(
      'REFERENCE_NOT_ID',
      `${raw} is a reference; address the cable by its id (valise read resolves a reference from your inbox)`,
      { field: 'params.id' },
    );
  }
  try {
    return decodeCableId(raw, 'params.id');
  } catch (error) {
    throw fromEncodingError(error);
  }
}

function isReference(text: string): boolean {
  try {
    parseReference(text);
    return true;
  } catch {
    return false;
  }
}

export function cableRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.sendCable, { bodyLimit: ctx.limits.maxCableBytes }, async (request, reply) => {
    const actor = requireActor(request);
    const { cable, attachments = [] } = await routeBodyOffThread(
      request,
      ROUTES.sendCable,
      ctx.limits.maxCableBytes,
      ctx.bodyParser,
    );
    const { created, receipt } = await acceptCable(ctx, actor, cable, attachments);
    return reply.status(created ? 201 : 200).send({ receipt: receiptJson(receipt) });
  });

  serve(app, ROUTES.cable, {}, async (request, reply) => {
    const actor = requireActor(request);
    const cable = await entitledCable(ctx, request, actor.device.device);
    const now = unixSeconds(ctx.clock);
    const fetched = await ctx.store.fetchCable(cable.seq, actor.device.device, () =>
      meterRead(ctx, {
        actor,
        kind: 'cable',
        cable: { id: cable.id, seq: cable.seq, acceptedAt: cable.acceptedAt },
        fetched: auditRecord({
          at: now,
          type: 'cable.fetched',
          actor: actorOf(actor),
          object: { kind: 'cable', id: cable.id, org: cable.org },
          detail: { reference: formatReference(cable) },
        }),
      }),
    );
    if (!fetched) throw new ServerError('NOT_FOUND', `no cable ${cable.id} for this device`);
    // The stored header is canonical JSON: it is spliced in as it was signed.
    const header = new TextDecoder().decode(cable.header);
    const wrap = JSON.stringify({
      device: fetched.wrap.device,
      enc: toBase64url(fetched.wrap.enc),
      key: toBase64url(fetched.wrap.key),
    });
    const summary = fetched.summary === undefined ? '' : `,"summary":"${toBase64url(fetched.summary)}"`;
    const body = `{"cable":{"header":${header},"signature":"${toBase64url(cable.signature)}","content":"${toBase64url(fetched.content)}"${summary},"wraps":[${wrap}]}}`;
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
