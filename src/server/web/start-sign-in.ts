/**
 * POST /api/v1/web/sign-in/options and /step-up/options: a passkey challenge for this
 * device's own passkey, with user verification required. The request is signed by the
 * device, so only the holder of the device key gets a challenge; sign-in needs no session,
 * step-up needs a live one.
 */
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import type { ChallengePurpose } from '../store/web-store.ts';
import { requirePasskey } from './verify-assertion.ts';
import type { WebContext } from './web-context.ts';
import { CHALLENGE_SECONDS } from './web-options.ts';

export function startSignInRoutes(app: FastifyInstance, web: WebContext): void {
  const start = (purpose: ChallengePurpose) => async (request: Parameters<typeof requireActor>[0]) => {
    const actor = requireActor(request);
    const passkey = await requirePasskey(web, actor.device.device);
    const now = unixSeconds(web.ctx.clock);
    const options = await generateAuthenticationOptions({
      rpID: web.options.rpId,
      allowCredentials: [{ id: passkey.credentialId, transports: [...passkey.transports] }],
      userVerification: 'required',
      timeout: CHALLENGE_SECONDS * 1000,
    });
    await web.store.addChallenge({
      challenge: options.challenge,
      purpose,
      subject: actor.device.device,
      expiresAt: now + CHALLENGE_SECONDS,
    });
    return { options };
  };
  app.post('/web/sign-in/options', { config: { session: 'none' } }, start('sign-in'));
  app.post('/web/step-up/options', start('step-up'));
}
