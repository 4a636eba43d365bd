/**
 * POST /invitations: a security officer invites one user of their organisation to enrol a
 * device (docs/design.md §5). The server keeps only the SHA-256 of the secret, so neither its
 * database nor its operator can redeem an invitation. From a command-line officer device the
 * invitation is held until a second officer confirms it (held-act.ts).
 */

import type { FastifyInstance } from 'fastify';
import { decodeEntryPost } from '../../core/api/directory-routes.ts';
import type { BodyOf } from '../../core/api/route.ts';
import { ROUTES } from '../../core/api/routes.ts';
import { decodeCanonical } from '../../core/encoding/decode.ts';
import { toJsonValue } from '../../core/encoding/to-json.ts';
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { requireOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { holdAct, mustHold, requireSecondOfficer } from '../held-act.ts';
import { requireNotSelf, requireOfficerPresence } from '../officer-act-rule.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { ConfirmedAct } from '../store/store.ts';
import { routeBody, serve } from './serve-route.ts';

/** Invitations are short-lived (docs/design.md §5): at most 30 days (the CLI's bound; its default is a day). */
export const MAX_INVITATION_SECONDS = 30 * 24 * 3600;

export type InvitationPost = BodyOf<typeof ROUTES.invite>;

export function invitationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.invite, {}, async (request, reply) => {
    const actor = requireActor(request);
    const body = routeBody(request, ROUTES.invite, ctx.limits.maxBodyBytes);
    const now = unixSeconds(ctx.clock);
    // docs/design.md §5, officer acts: never for oneself; under AAL3, from a passkey device.
    requireOfficerOf(actor, body.org);
    requireNotSelf(actor, body.user, 'invite a device');
    await requireOfficerPresence(ctx, actor);
    // docs/design.md §5: a command-line officer's act waits for a second officer (held-act.ts).
    const hold = await mustHold(ctx, actor);
    checkInvitation(ctx, body, now, hold && (await userHeld(ctx, body, now)));
    if (hold) {
      requireSecondOfficer(ctx.directory.directory, actor);
      if (await ctx.store.invitation(body.id)) throw invitationExists(body.id);
      const held = await holdAct(ctx, {
        kind: 'invitation',
        act: 'invitation',
        actor,
        subject: body.user,
        body: toJsonValue(body),
        now,
      });
      return reply.status(202).send(held);
    }
    await createInvitation(ctx, actor, body, now);
    return reply.status(201).send({ id: body.id, expiresAt: body.expiresAt });
  });
}

/**
 * docs/design.md §5: an invitation is short-lived, for a user the directory holds; a held
 * invitation may name a user whose own certificate is held too (`heldUser`): the second
 * officer confirms the certificate first.
 */
export function checkInvitation(
  ctx: ServerContext,
  body: InvitationPost,
  now: number,
  heldUser = false,
): void {
  if (body.expiresAt <= now || body.expiresAt > now + MAX_INVITATION_SECONDS) {
    throw new ServerError('OUT_OF_RANGE', 'expiresAt must be in the future and at most 30 days away', {
      field: 'expiresAt',
    });
  }
  const user = ctx.directory.directory.user(body.user);
  if ((!user && !heldUser) || (user && user.org !== body.org)) {
    throw new ServerError(
      'UNKNOWN_USER',
      `user ${body.user} of ${body.org} is not in the directory; add the user certificate first (or confirm it, if it is held)`,
    );
  }
}

/** Whether a user certificate for the invitee waits, held, in the organisation (held-act.ts). */
async function userHeld(ctx: ServerContext, body: InvitationPost, now: number): Promise<boolean> {
  const waiting = await ctx.store.officerActs.pending(body.org, now);
  return waiting.some((act) => act.kind === 'entry' && act.subject === body.user && isUserEntry(act.body));
}

function isUserEntry(body: Uint8Array): boolean {
  return decodeCanonical(body, decodeEntryPost).entry.body.kind === 'user';
}

/** Stores the invitation by `actor`, with the confirmation of a held act when there is one. */
export async function createInvitation(
  ctx: ServerContext,
  actor: DirectoryDevice,
  body: InvitationPost,
  now: number,
  confirms?: ConfirmedAct,
): Promise<void> {
  const created = await ctx.store.createInvitation(
    {
      id: body.id,
      org: body.org,
      user: body.user,
      secretHash: body.secretHash,
      expiresAt: body.expiresAt,
      createdAt: now,
      createdBy: actor.device.device,
      usedAt: undefined,
    },
    auditRecord({
      at: now,
      type: 'invitation.created',
      actor: actorOf(actor),
      object: { kind: 'invitation', id: body.id, org: body.org },
      detail: { user: body.user, expiresAt: body.expiresAt },
    }),
    confirms,
  );
  if (!created) throw invitationExists(body.id);
}

function invitationExists(id: string): ServerError {
  return new ServerError('ALREADY_EXISTS', `invitation ${id} exists; use a fresh random id`);
}
