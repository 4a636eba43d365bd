/**
 * POST /api/v1/watch/step-up/options and /api/v1/watch/step-up: a browser device the watch
 * held releases itself with a fresh passkey touch (docs/design.md §9). Malware in the browser
 * can sign with the device key but cannot touch the passkey, so the touch is what a hold asks
 * of a browser; a command-line device has no passkey and stays held until an officer releases
 * it. Both routes are reachable by a held device (authenticate.ts) and need no session: a held
 * device cannot sign in, and the assertion is the stronger proof.
 *
 * The release, in order:
 * 1. the device is held, not suspended (authenticate.ts refuses a suspended one before this
 *    route) nor active (DEVICE_NOT_HELD: nothing to release, the challenge is not spent);
 * 2. the assertion verifies for this device's own passkey, with user verification, on this
 *    node's origin, answering a `watch-step-up` challenge issued to it (verify-assertion.ts);
 * 3. the hold is cleared and `watch.stepped-up` written in one transaction; the release starts
 *    a new era of the device's count, as an officer's does.
 */
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { routeBody, serve } from '../routes/serve-route.ts';
import { ServerError } from '../server-error.ts';
import { requirePasskey, verifyAssertion } from './verify-assertion.ts';
import type { WebContext } from './web-context.ts';
import { CHALLENGE_SECONDS } from './web-options.ts';

const CONFIG = { config: { session: 'none', heldMayCall: true } } as const;

export function watchStepUpRoutes(app: FastifyInstance, web: WebContext): void {
  serve(app, ROUTES.startWatchStepUp, CONFIG, async (request) => {
    const actor = requireActor(request);
    routeBody(request, ROUTES.startWatchStepUp, web.ctx.limits.maxBodyBytes, { mayBeEmpty: true });
    const passkey = await requirePasskey(web, actor.device.device);
    await requireHeld(web, actor.device.device);
    const now = unixSeconds(web.ctx.clock);
    const options = await generateAuthenticationOptions({
      rpID: web.options.rpId,
      allowCredentials: [{ id: passkey.credentialId, transports: [...passkey.transports] }],
      userVerification: 'required',
      timeout: CHALLENGE_SECONDS * 1000,
    });
    await web.store.addChallenge({
      challenge: options.challenge,
      purpose: 'watch-step-up',
      subject: actor.device.device,
      expiresAt: now + CHALLENGE_SECONDS,
    });
    return { options };
  });

  serve(app, ROUTES.finishWatchStepUp, CONFIG, async (request) => {
    const actor = requireActor(request);
    const body = routeBody(request, ROUTES.finishWatchStepUp, web.ctx.limits.maxBodyBytes);
    const device = actor.device.device;
    await requirePasskey(web, device);
    const held = await requireHeld(web, device);
    const now = unixSeconds(web.ctx.clock);
    await verifyAssertion(web, device, 'watch-step-up', body.passkey, now);
    const reason = 'released by a fresh passkey touch';
    await web.ctx.store.watch.setState(
      device,
      actor.org.org,
      'active',
      now,
      reason,
      auditRecord({
        at: now,
        type: 'watch.stepped-up',
        actor: actorOf(actor),
        object: { kind: 'device', id: device, org: actor.org.org },
        detail: { user: actor.user.user, heldSince: held.since },
      }),
    );
    return { device, state: 'active' as const };
  });
}

async function requireHeld(web: WebContext, device: string): Promise<{ readonly since: number }> {
  const watch = await web.ctx.store.watch.device(device);
  if (watch?.state !== 'held') {
    throw new ServerError(
      'DEVICE_NOT_HELD',
      'this device is not held by the watch: there is nothing to release',
    );
  }
  return watch;
}
