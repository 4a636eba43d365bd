/**
 * Enrolment (docs/design.md §5). A new device, holding an invitation secret, submits the public
 * keys it made; the request is unsigned because the device has no certificate yet, and the
 * secret is the authority. The enrolment waits, pending, until the officer signs the device
 * certificate and posts it to /directory with exactly these keys.
 *
 * Checks, in order: the invitation exists; the secret matches (constant time, before
 * anything about the invitation's state is revealed); not expired; not used; the device id
 * is new; the user is still in force; under AAL3, the user is a declared service (a person
 * enrols in a browser, with a passkey). Single use is decided by the database transaction.
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { enumOf, optional } from '../../core/encoding/decode.ts';
import { requireActor } from '../authenticate.ts';
import { requireOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { requirePasskeyEnrolment } from '../officer-act-rule.ts';
import { readQuery } from '../read-query.ts';
import { checkInvitation, enrolmentRefusal, redeemInvitation } from '../redeem-invitation.ts';
import type { ServerContext } from '../server-context.ts';
import { ENROLMENT_STATUSES } from '../store/store.ts';
import { routeBody, serve } from './serve-route.ts';

export function enrolmentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.enrol, {}, async (request, reply) => {
    const body = routeBody(request, ROUTES.enrol, ctx.limits.maxBodyBytes);
    const now = unixSeconds(ctx.clock);
    const { invitation, user } = await checkInvitation(ctx, body.invitation, body.secret, now);
    // docs/design.md §5: under AAL3 a person enrols with a passkey; this route has none.
    requirePasskeyEnrolment(ctx, user);
    const outcome = await redeemInvitation(ctx, invitation, body, now);
    if (outcome !== 'redeemed') throw enrolmentRefusal(outcome, body.device);
    return reply.status(201).send({ device: body.device, status: 'pending' });
  });

  serve(app, ROUTES.enrolments, {}, async (request) => {
    const actor = requireActor(request);
    const query = readQuery(request, { status: optional(enumOf(ENROLMENT_STATUSES)) });
    requireOfficerOf(actor, actor.org.org);
    const items = await ctx.store.enrolments(actor.org.org, query.status ?? 'pending');
    return {
      items: items.map((e) => ({
        device: e.device,
        user: e.user,
        org: e.org,
        label: e.label,
        signingKey: toBase64url(e.signingKey),
        kemKey: toBase64url(e.kemKey),
        createdAt: e.createdAt,
        status: e.status,
        invitation: e.invitation,
        ...(e.binding ? { binding: toBase64url(e.binding) } : {}),
      })),
    };
  });
}
