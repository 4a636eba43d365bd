/**
 * POST /api/v1/web/enrolments/options: the first half of enrolling a browser (docs/design.md §5).
 * The invitation secret is the authority (the device has no certificate yet). Answers the
 * passkey creation options, for this node's RP ID, with user verification required, and
 * who the invitation is for, so the page can say whom it enrols.
 */
import { generateRegistrationOptions } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { utf8 } from '../../core/encoding/bytes.ts';
import { unixSeconds } from '../clock.ts';
import { checkInvitation } from '../redeem-invitation.ts';
import { routeBody, serve } from '../routes/serve-route.ts';
import type { WebContext } from './web-context.ts';
import { CHALLENGE_SECONDS } from './web-options.ts';

/** EdDSA, ES256, RS256: what platform authenticators and security keys make. */
export const PASSKEY_ALGORITHMS = [-8, -7, -257];

export function startEnrolmentRoute(app: FastifyInstance, web: WebContext): void {
  serve(app, ROUTES.startWebEnrolment, {}, async (request) => {
    const body = routeBody(request, ROUTES.startWebEnrolment, web.ctx.limits.maxBodyBytes);
    const now = unixSeconds(web.ctx.clock);
    const { invitation, user } = await checkInvitation(web.ctx, body.invitation, body.secret, now);
    const options = await generateRegistrationOptions({
      rpName: web.options.rpName,
      rpID: web.options.rpId,
      userName: user.user,
      userDisplayName: user.name,
      userID: new Uint8Array(utf8(user.user)),
      attestationType: 'none',
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
      timeout: CHALLENGE_SECONDS * 1000,
    });
    await web.store.addChallenge({
      challenge: options.challenge,
      purpose: 'enrol',
      subject: invitation.id,
      expiresAt: now + CHALLENGE_SECONDS,
    });
    return {
      options,
      invitee: {
        user: user.user,
        name: user.name,
        org: user.org,
        clearance: user.clearance,
        role: user.role,
        groups: [...user.groups],
      },
      expiresAt: invitation.expiresAt,
    };
  });
}
