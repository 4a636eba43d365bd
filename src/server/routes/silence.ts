/**
 * The silence procedure's routes (docs/design.md §2; docs/api.md, "The silence procedure"):
 * PUT /network/presidency takes the act naming the Presidency, signed with the network root key;
 * GET /silence/:id shows a procedure to the devices entitled to its text, with the log events
 * its outcome rests on, each with its inclusion proof, and records the outcome once the
 * deadline has passed (a `silence.outcome` event, computed by core/procedure from the log).
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { decodeCableHeader } from '../../core/cable/cable-header.ts';
import { formatReference } from '../../core/cable/reference.ts';
import { sha256 } from '../../core/crypto/sha256.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { canonicalize, encodeCanonical, parseCanonical } from '../../core/encoding/canonical-json.ts';
import { decodeCableId } from '../../core/encoding/identifiers.ts';
import { toJsonValue } from '../../core/encoding/to-json.ts';
import { parseLogEvent } from '../../core/log/log-event.ts';
import { verifyPresidency } from '../../core/procedure/presidency.ts';
import { SILENCE_OUTCOME_EVENT } from '../../core/procedure/silence-events.ts';
import { procedureOf, silenceOutcome } from '../../core/procedure/silence-outcome.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import type { Checkpointer } from '../log/checkpointer.ts';
import { provenEvents } from '../log/proven-events.ts';
import { readParams } from '../read-params.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { procedureDeadline } from '../silence/procedure-state.ts';
import type { CableRecord } from '../store/store.ts';
import { entitledCable } from './cables.ts';
import { routeBody, serve } from './serve-route.ts';

/**
 * Seconds after the deadline before the outcome is recorded: an act accepted just before the
 * deadline has committed by then, so the verdict never misses it.
 */
export const OUTCOME_GRACE_SECONDS = 30;

export function silenceRoutes(app: FastifyInstance, ctx: ServerContext, checkpointer: Checkpointer): void {
  serve(app, ROUTES.presidency, {}, async (request) => {
    // Signed or not: the network root's signature on the act is the authority, as for an
    // organisation certificate (the root key stays on the network authority's machine).
    const actor = request.actor ?? undefined;
    const { act } = routeBody(request, ROUTES.presidency, ctx.limits.maxBodyBytes);
    const { root } = ctx.directory;
    // docs/design.md §2: the act is the network root's, whoever carries it.
    if (!(await verifyPresidency(act, root.key, root.network))) {
      throw new ServerError(
        'PRESIDENCY_INVALID',
        `the act is not signed by the root key of ${root.network}`,
        {
          field: 'act.signature',
        },
      );
    }
    const { body } = act;
    if (!ctx.directory.directory.org(body.org)) {
      throw new ServerError('INVALID_VALUE', `${body.org} is not an organisation of the network`, {
        field: 'act.body.org',
      });
    }
    const bytes = encodeCanonical(toJsonValue(act));
    const now = unixSeconds(ctx.clock);
    const added = await ctx.store.procedures.addPresidency(
      { issuedAt: body.issuedAt, org: body.org, from: body.from, until: body.until, act: bytes },
      now,
      auditRecord({
        at: now,
        type: 'network.presidency',
        actor: actorOf(actor),
        object: { kind: 'presidency', id: body.org, org: body.org },
        detail: {
          from: body.from,
          until: body.until,
          issuedAt: body.issuedAt,
          hash: toBase64url(sha256(bytes)),
        },
      }),
    );
    if (!added) {
      throw new ServerError(
        'PRESIDENCY_OUTDATED',
        'a Presidency act issued at or after this one is in force',
        {
          field: 'act.body.issuedAt',
        },
      );
    }
    return { org: body.org, from: body.from, until: body.until, issuedAt: body.issuedAt };
  });

  serve(app, ROUTES.silence, {}, async (request) => {
    const actor = requireActor(request);
    const { id } = readParams(request, { id: decodeCableId });
    // docs/design.md §6: a procedure is shown to the devices entitled to its text, with one
    // answer for "no such procedure" and "not yours", as for cables.
    const cable = await entitledCable(ctx, request, actor.device.device, id);
    const opening = await ctx.store.procedures.act(id);
    if (opening?.act !== 'open')
      throw new ServerError('NOT_FOUND', `no silence procedure ${id} for this device`);
    const acts = await ctx.store.procedures.acts(id);
    const { deadline, withdrawn } = procedureDeadline(acts);
    const now = unixSeconds(ctx.clock);
    const window = { procedure: id, org: cable.org, from: opening.at, until: deadline };

    let outcome = await ctx.store.procedures.outcome(id);
    if (!outcome && (withdrawn || now >= deadline + OUTCOME_GRACE_SECONDS)) {
      await recordOutcome(ctx, cable, acts, { ...window, below: await ctx.store.log.size() }, now);
      outcome = await ctx.store.procedures.outcome(id);
    }

    const checkpoint = await checkpointer.checkpoint();
    const leaves = await ctx.store.procedures.leaves({ ...window, below: checkpoint.size }, acts);
    if (outcome && outcome.leaf < checkpoint.size) {
      leaves.push(...(await ctx.store.log.leaves(outcome.leaf, outcome.leaf + 1)));
    }
    const state = outcome ? 'closed' : withdrawn || now >= deadline ? 'closing' : 'open';
    return {
      procedure: {
        id,
        reference: formatReference(cable),
        header: new TextDecoder().decode(cable.header),
        signature: toBase64url(cable.signature),
        deadline,
        state,
      },
      now,
      ...(await provenEvents(ctx.store, checkpoint, leaves)),
      ...(outcome && outcome.leaf < checkpoint.size ? { outcome: outcome.leaf } : {}),
    };
  });
}

/** Computes the outcome from the log, as every client will, and records it once. */
async function recordOutcome(
  ctx: ServerContext,
  cable: CableRecord,
  acts: Parameters<ServerContext['store']['procedures']['leaves']>[1],
  window: Parameters<ServerContext['store']['procedures']['leaves']>[0],
  now: number,
): Promise<void> {
  const header = decodeCableHeader(parseCanonical(cable.header), 'header');
  const procedure = procedureOf(header);
  if (!procedure)
    throw new ServerError('INTERNAL', `cable ${cable.id} is recorded as a procedure but is not one`);
  const leaves = await ctx.store.procedures.leaves(window, acts);
  const verdict = silenceOutcome(
    procedure,
    leaves.map((leaf) => parseLogEvent(leaf.event)),
  );
  const detail = toJsonValue(verdict) as { readonly [key: string]: ReturnType<typeof toJsonValue> };
  await ctx.store.procedures.recordOutcome(
    cable.id,
    canonicalize(detail),
    now,
    auditRecord({
      at: now,
      type: SILENCE_OUTCOME_EVENT,
      actor: {},
      object: { kind: 'cable', id: cable.id, org: cable.org },
      detail,
    }),
  );
}
