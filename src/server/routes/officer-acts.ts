/**
 * The second officer's half of the two-person rule (docs/design.md §5, "Officer acts";
 * held-act.ts): an organisation's security officers list its held acts, and one who is
 * another person than the officer who posted the act confirms it, which applies the act
 * exactly as it was signed, or refuses it, which discards it. Each decision is its own signed
 * request and its own log event, naming both officers.
 *
 * Checks on a confirmation, in order:
 * - the confirmer is a security officer of the act's organisation (another organisation's
 *   act answers NOT_FOUND, as an unknown id does);
 * - the act is undecided (ACT_DECIDED) and not past its expiry (ACT_EXPIRED);
 * - the confirmer is neither the officer who posted it nor the person it is about
 *   (SELF_APPROVAL): two people's devices, the two-person rule;
 * - under AAL3, the confirmer acts with a passkey (officer-act-rule.ts); from a browser, the
 *   confirmation needs a fresh passkey touch (web/step-up-rule.ts);
 * - the officer device that posted it is still in force (ACT_EXPIRED otherwise: it lapsed);
 * - the act passes every check of its own route again, now, as if it were posted now.
 * The decision is written in the transaction that applies the act (officer-act-store.ts).
 */
import type { FastifyInstance } from 'fastify';
import { decodeEntryPost, decodeInvitationPost } from '../../core/api/directory-routes.ts';
import type { HeldAct } from '../../core/api/officer-act-routes.ts';
import { ROUTES } from '../../core/api/routes.ts';
import { decodeCanonical } from '../../core/encoding/decode.ts';
import { decodeDeviceId } from '../../core/encoding/identifiers.ts';
import { toJsonValue } from '../../core/encoding/to-json.ts';
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { isOfficerOf, requireOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { requireOfficerPresence } from '../officer-act-rule.ts';
import { readParams } from '../read-params.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { HeldActRecord } from '../store/officer-act-store.ts';
import type { ConfirmedAct } from '../store/store.ts';
import { appendEntry, heldActType } from './directory.ts';
import { checkInvitation, createInvitation } from './invitations.ts';
import { routeBody, serve } from './serve-route.ts';

export function officerActRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.heldActs, {}, async (request) => {
    const actor = requireActor(request);
    requireOfficerOf(actor, actor.org.org);
    const acts = await ctx.store.officerActs.pending(actor.org.org, unixSeconds(ctx.clock));
    return { items: acts.map(heldActJson) };
  });

  serve(app, ROUTES.confirmAct, {}, async (request, reply) => {
    const actor = requireActor(request);
    routeBody(request, ROUTES.confirmAct, ctx.limits.maxBodyBytes, { mayBeEmpty: true });
    const now = unixSeconds(ctx.clock);
    const act = await undecidedAct(ctx, actor, readParams(request, { id: decodeDeviceId }).id, now);
    requireSecondPerson(actor, act, 'confirm');
    await requireOfficerPresence(ctx, actor);
    const author = ctx.directory.directory.device(act.device);
    if (!author || !isOfficerOf(author, act.org)) {
      throw new ServerError(
        'ACT_EXPIRED',
        `the officer device that posted act ${act.id} is no longer an officer's device in force; the act lapsed`,
      );
    }
    const view = heldActView(act);
    const confirms: ConfirmedAct = {
      decision: {
        act: act.id,
        outcome: 'confirmed',
        device: actor.device.device,
        user: actor.user.user,
        at: now,
      },
      audit: auditRecord({
        at: now,
        type: 'officer-act.confirmed',
        actor: actorOf(actor),
        object: { kind: 'officer-act', id: act.id, org: act.org },
        detail: { act: view.act, subject: act.subject, postedBy: act.user, postedDevice: act.device },
      }),
    };
    const decided = () =>
      new ServerError('ACT_DECIDED', `act ${act.id} was decided already; list the waiting acts again`);
    if (view.invitation) {
      // The invitation route's checks, now, for the officer who posted it (appendEntry does this for entries).
      await requireOfficerPresence(ctx, author);
      checkInvitation(ctx, view.invitation, now);
      try {
        await createInvitation(ctx, author, view.invitation, now, confirms);
      } catch (error) {
        if ((await ctx.store.officerActs.act(act.id))?.decision) throw decided();
        throw error;
      }
      return reply.status(201).send({
        id: act.id,
        outcome: 'confirmed',
        invitation: view.invitation.id,
        expiresAt: view.invitation.expiresAt,
      });
    }
    const entry = decodeCanonical(act.body, decodeEntryPost).entry;
    const outcome = await appendEntry(ctx, entry, author, now, {
      record: confirms,
      check: async () => {
        if ((await ctx.store.officerActs.act(act.id))?.decision) throw decided();
      },
    });
    if (!outcome.added) throw decided();
    return reply
      .status(201)
      .send({ id: act.id, outcome: 'confirmed', index: outcome.index, epoch: outcome.epoch });
  });

  serve(app, ROUTES.refuseAct, {}, async (request) => {
    const actor = requireActor(request);
    const { reason } = routeBody(request, ROUTES.refuseAct, ctx.limits.maxBodyBytes);
    const now = unixSeconds(ctx.clock);
    const act = await undecidedAct(ctx, actor, readParams(request, { id: decodeDeviceId }).id, now);
    // The officer who posted it may withdraw it; the person it is about may not refuse it.
    if (actor.user.user === act.subject) {
      throw new ServerError(
        'SELF_APPROVAL',
        `an officer may not refuse an act about themselves; ask another security officer of ${act.org}`,
      );
    }
    const refused = await ctx.store.officerActs.refuse(
      {
        act: act.id,
        outcome: 'refused',
        device: actor.device.device,
        user: actor.user.user,
        reason,
        at: now,
      },
      auditRecord({
        at: now,
        type: 'officer-act.refused',
        actor: actorOf(actor),
        object: { kind: 'officer-act', id: act.id, org: act.org },
        detail: {
          act: heldActView(act).act,
          subject: act.subject,
          postedBy: act.user,
          postedDevice: act.device,
        },
      }),
    );
    if (!refused)
      throw new ServerError('ACT_DECIDED', `act ${act.id} was decided already; list the waiting acts again`);
    return { id: act.id, outcome: 'refused' };
  });
}

/** The act, if `actor` is an officer of its organisation and it is still waiting. */
async function undecidedAct(
  ctx: ServerContext,
  actor: DirectoryDevice,
  id: string,
  now: number,
): Promise<HeldActRecord> {
  const stored = await ctx.store.officerActs.act(id);
  if (!stored || !isOfficerOf(actor, stored.act.org)) {
    throw new ServerError(
      'NOT_FOUND',
      `no held officer act ${id} of ${actor.org.org}; list them with valise officer pending`,
    );
  }
  if (stored.decision) {
    throw new ServerError(
      'ACT_DECIDED',
      `act ${id} was ${stored.decision.outcome} by ${stored.decision.user} at ${new Date(stored.decision.at * 1000).toISOString()}`,
    );
  }
  if (now >= stored.act.expiresAt) {
    throw new ServerError(
      'ACT_EXPIRED',
      `act ${id} expired unconfirmed at ${new Date(stored.act.expiresAt * 1000).toISOString()}; the officer who posted it must post it again`,
    );
  }
  return stored.act;
}

/** docs/design.md §5: the second officer is another person, and not the one the act is about. */
function requireSecondPerson(actor: DirectoryDevice, act: HeldActRecord, what: string): void {
  if (actor.user.user === act.user) {
    throw new ServerError(
      'SELF_APPROVAL',
      `an officer may not ${what} their own act; another security officer of ${act.org} must`,
    );
  }
  if (actor.user.user === act.subject) {
    throw new ServerError(
      'SELF_APPROVAL',
      `an officer may not ${what} an act about themselves; another security officer of ${act.org} must`,
    );
  }
}

/** The act as listed: who posted it, about whom, and exactly what they signed. */
function heldActView(act: HeldActRecord): HeldAct {
  const common = {
    id: act.id,
    org: act.org,
    device: act.device,
    user: act.user,
    subject: act.subject,
    createdAt: act.createdAt,
    expiresAt: act.expiresAt,
  };
  if (act.kind === 'invitation') {
    return { ...common, act: 'invitation', invitation: decodeCanonical(act.body, decodeInvitationPost) };
  }
  const entry = decodeCanonical(act.body, decodeEntryPost).entry;
  return { ...common, act: heldActType(entry), entry };
}

/** The listed form, as JSON. */
export function heldActJson(act: HeldActRecord) {
  return toJsonValue(heldActView(act));
}
