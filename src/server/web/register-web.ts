/**
 * Everything a node needs to serve browsers, registered by one call in app.ts after the
 * device-signature hook: the browser checks on every request (origin, session, step-up),
 * the passkey routes under /api/v1/web, and the built app itself.
 *
 * Routes (all JSON; see each file):
 *   GET  /api/v1/web/config                no auth: origin, RP ID, AAL3, server time
 *   POST /api/v1/web/enrolments/options    invitation secret: passkey creation options
 *   POST /api/v1/web/enrolments            invitation secret: passkey + device keys → pending enrolment
 *   POST /api/v1/web/sign-in/options       device signature: a passkey challenge
 *   POST /api/v1/web/sign-in               device signature + assertion → session cookie
 *   POST /api/v1/web/step-up/options       device + session: a passkey challenge
 *   POST /api/v1/web/step-up               device + session + assertion → two minutes of step-up
 *   POST /api/v1/web/sign-out              device + session
 *   GET  /api/v1/web/session               device + session
 *   POST /api/v1/watch/step-up/options     device, even held: a passkey challenge to release the hold
 *   POST /api/v1/watch/step-up             device, even held + assertion → the hold released
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.ts';
import { registerBrowserChecks } from './check-browser-request.ts';
import { finishEnrolmentRoute } from './finish-enrolment.ts';
import { finishSignInRoute } from './finish-sign-in.ts';
import { finishStepUpRoute } from './finish-step-up.ts';
import { serveWebApp } from './serve-web-app.ts';
import { signOutRoutes } from './sign-out.ts';
import { startEnrolmentRoute } from './start-enrolment.ts';
import { startSignInRoutes } from './start-sign-in.ts';
import { watchStepUpRoutes } from './watch-step-up.ts';
import type { WebContext } from './web-context.ts';
import { resolveWebOptions, type WebOptions } from './web-options.ts';

export function registerWeb(app: FastifyInstance, ctx: ServerContext, options: WebOptions | undefined): void {
  const web: WebContext = {
    ctx,
    options: resolveWebOptions(options),
    store: ctx.store.web,
  };
  registerBrowserChecks(app, web);
  app.register(
    async (api) => {
      startEnrolmentRoute(api, web);
      finishEnrolmentRoute(api, web);
      startSignInRoutes(api, web);
      finishSignInRoute(api, web);
      finishStepUpRoute(api, web);
      signOutRoutes(api, web);
      watchStepUpRoutes(api, web);
    },
    { prefix: '/api/v1' },
  );
  serveWebApp(app, web.options.appDir);
}
