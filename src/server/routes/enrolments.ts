/**
 * Enrolment (DESIGN §5). A new device, holding an invitation secret, submits the public
 * keys it made; the request is unsigned because the device has no certificate yet, and the
 * secret is the authority. The enrolment waits, pending, until the officer signs the device
 * certificate and posts it to /directory with exactly these keys.
 *
 * Checks, in order: the invitation exists; the secret matches (constant time, before
 * anything about the invitation's state is revealed); not expired; not used; the device id
 * is new; the user is still in force. Single use is decided by the database transaction.
 */
import type { FastifyInstance } from 'fastify';
import { constantTimeEqual, toBase64url } from '../../core/bytes.ts';
import { bytes, enumOf, object, optional, string } from '../../core/decode.ts';
import { decodeDeviceId, decodeEd25519PublicKey, decodeXWingPublicKey } from '../../core/identifiers.ts';
import { sha256 } from '../../core/sha256.ts';
import { auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { requireOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { readBody } from '../read-body.ts';
import { readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { ENROLMENT_STATUSES } from '../store/store.ts';

const decodeEnrolment = object({
  invitation: decodeDeviceId,
  secret: bytes({ length: 32 }),
  device: decodeDeviceId,
  label: string({ min: 1, max: 80 }),
  signingKey: decodeEd25519PublicKey,
  kemKey: decodeXWingPublicKey,
});

export function enrolmentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/enrolments', { config: { auth: 'none' } }, async (request, reply) => {
    const body = readBody(request, decodeEnrolment, ctx.limits.maxBodyBytes);
    const now = unixSeconds(ctx.clock);
    const invitation = await ctx.store.invitation(body.invitation);
    if (!invitation) throw new ServerError('NOT_FOUND', 'no such invitation; check the enrolment link');
    if (!constantTimeEqual(sha256(body.secret), invitation.secretHash)) {
      throw new ServerError('FORBIDDEN', 'the invitation secret does not match; check the enrolment link');
    }
    if (now >= invitation.expiresAt) {
      throw new ServerError(
        'INVITATION_EXPIRED',
        `the invitation expired at ${new Date(invitation.expiresAt * 1000).toISOString()}; ask your security officer for a new one`,
      );
    }
    if (invitation.usedAt !== undefined) {
      throw new ServerError(
        'INVITATION_USED',
        'this invitation was already used; ask your security officer for a new one',
      );
    }
    const directory = ctx.directory.directory;
    if (ctx.directory.deviceCertificate(body.device) !== undefined) {
      throw new ServerError('ALREADY_EXISTS', `device id ${body.device} is taken; make a fresh random id`);
    }
    const user = directory.user(invitation.user);
    if (!user || user.org !== invitation.org) {
      throw new ServerError(
        'UNKNOWN_USER',
        `user ${invitation.user} is no longer in the directory; ask your security officer`,
      );
    }
    const outcome = await ctx.store.redeemInvitation(
      {
        device: body.device,
        invitation: invitation.id,
        org: invitation.org,
        user: invitation.user,
        label: body.label,
        signingKey: body.signingKey,
        kemKey: body.kemKey,
        createdAt: now,
        status: 'pending',
      },
      auditRecord({
        at: now,
        type: 'enrolment.requested',
        actor: { org: invitation.org, user: invitation.user },
        object: { kind: 'device', id: body.device, org: invitation.org },
        detail: { invitation: invitation.id },
      }),
    );
    if (outcome === 'used') {
      throw new ServerError(
        'INVITATION_USED',
        'this invitation was already used; ask your security officer for a new one',
      );
    }
    if (outcome === 'device-exists') {
      throw new ServerError('ALREADY_EXISTS', `device id ${body.device} is taken; make a fresh random id`);
    }
    return reply.status(201).send({ device: body.device, status: 'pending' });
  });

  app.get('/enrolments', async (request) => {
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
      })),
    };
  });
}
