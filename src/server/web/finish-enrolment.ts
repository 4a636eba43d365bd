/**
 * POST /api/v1/web/enrolments: the second half of enrolling a browser (docs/design.md §5). The body
 * carries the device's public keys (made in the browser; the private halves never leave it)
 * and the passkey it registered. Checked in order: the invitation (as /enrolments does), the
 * passkey's origin and challenge, its attestation with user verification, AAL3 if the network
 * demands it; then, in one transaction, the passkey is kept for the device, the invitation is
 * redeemed as a pending enrolment (which the organisation's security officer approves with
 * POST /directory), and both events are logged: all of it or none.
 */
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { auditRecord } from '../audit-event.ts';
import { unixSeconds } from '../clock.ts';
import {
  checkInvitation,
  enrolmentRefusal,
  pendingEnrolment,
  requireNewDeviceId,
} from '../redeem-invitation.ts';
import { routeBody, serve } from '../routes/serve-route.ts';
import { ServerError } from '../server-error.ts';
import { clientDataOf, registrationResponse } from './passkey-response.ts';
import { PASSKEY_ALGORITHMS } from './start-enrolment.ts';
import { takeChallenge } from './take-challenge.ts';
import type { WebContext } from './web-context.ts';
import { WebError } from './web-error.ts';

export function finishEnrolmentRoute(app: FastifyInstance, web: WebContext): void {
  const { ctx } = web;
  serve(app, ROUTES.finishWebEnrolment, {}, async (request, reply) => {
    const body = routeBody(request, ROUTES.finishWebEnrolment, ctx.limits.maxBodyBytes);
    const passkey = registrationResponse(body.passkey, 'passkey');
    const now = unixSeconds(ctx.clock);
    const { invitation } = await checkInvitation(ctx, body.invitation, body.secret, now);
    requireNewDeviceId(ctx, body.device);
    const challenge = await takeChallenge(web, clientDataOf(passkey), 'enrol', invitation.id, now);
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response: passkey,
        expectedChallenge: challenge,
        expectedOrigin: web.options.origin,
        expectedRPID: web.options.rpId,
        requireUserVerification: true,
        supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
      });
    } catch (cause) {
      throw new WebError(
        'PASSKEY_INVALID',
        `the passkey registration does not verify (${(cause as Error).message})`,
        { cause },
      );
    }
    if (!verified.verified) throw new WebError('PASSKEY_INVALID', 'the passkey registration does not verify');
    const info = verified.registrationInfo;
    if (!info.userVerified) {
      throw new WebError(
        'USER_NOT_VERIFIED',
        'the authenticator did not verify you (PIN or biometrics); use one that does',
      );
    }
    if (web.options.requireAal3 && info.credentialDeviceType === 'multiDevice') {
      throw new WebError(
        'PASSKEY_SYNCED',
        'this network demands AAL3: a synced passkey is refused; use a security key or a device-bound passkey',
      );
    }
    requireNewDeviceId(ctx, body.device);
    const pending = pendingEnrolment(invitation, body, now);
    const outcome = await web.store.enrolBrowser(
      {
        credentialId: info.credential.id,
        device: body.device,
        org: invitation.org,
        user: invitation.user,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        transports: info.credential.transports ?? [],
        createdAt: now,
      },
      pending.enrolment,
      [
        pending.audit,
        auditRecord({
          at: now,
          type: 'passkey.registered',
          actor: { org: invitation.org, user: invitation.user, device: body.device },
          // The credential id is the authenticator's (up to 1023 bytes): a detail, not the object id.
          object: { kind: 'device', id: body.device, org: invitation.org },
          detail: {
            passkey: info.credential.id,
            deviceType: info.credentialDeviceType,
            userVerified: info.userVerified,
            aaguid: info.aaguid,
          },
        }),
      ],
    );
    if (outcome === 'passkey-exists') {
      throw new ServerError('ALREADY_EXISTS', 'this passkey or device is already enrolled');
    }
    if (outcome !== 'redeemed') throw enrolmentRefusal(outcome, body.device);
    return reply.status(201).send({ device: body.device, status: 'pending' });
  });
}
