/**
 * Builds the HTTP API (docs/api.md) as a Fastify instance without listening, so tests call
 * it with `inject` and main.ts binds it. Everything it needs is declared in `AppDeps`, here
 * and nowhere else, and has no fallback: the store (with its web aggregate) and the log's
 * checkpointer are required. Nothing here reads the environment or keeps module state.
 *
 * The app keeps an inventory of its routes, taken by its own `onRoute` hook, as
 * `app.apiRoutes()`: main.ts logs it, and the authorisation-matrix test checks that every
 * route has a row.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { EntitledSets } from '../core/cable/entitled-sets.ts';
import type { Signer } from '../core/crypto/ed25519.ts';
import { JSON_WITH_BYTES_TYPE } from '../core/encoding/json-with-bytes.ts';
import type { NetworkRoot } from '../core/identity/directory.ts';
import { registerAuthentication } from './authenticate.ts';
import type { BodyParser } from './body-parser.ts';
import type { Clock } from './clock.ts';
import { DirectoryCache } from './directory-cache.ts';
import { registerErrorHandling } from './error-handler.ts';
import type { Checkpointer } from './log/checkpointer.ts';
import { registerAuditLog } from './log/register-log.ts';
import { type RateLimit, TokenBucketRateLimiter } from './rate-limiter.ts';
import { RefusalRecorder } from './refusal-recorder.ts';
import { ackRoutes } from './routes/acks.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { cableRoutes } from './routes/cables.ts';
import { deviceRoutes } from './routes/devices.ts';
import { directoryRoutes } from './routes/directory.ts';
import { enrolmentRoutes } from './routes/enrolments.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { networkRoutes } from './routes/network.ts';
import { officerActRoutes } from './routes/officer-acts.ts';
import { orgRoutes } from './routes/orgs.ts';
import { silenceRoutes } from './routes/silence.ts';
import { watchRoutes } from './routes/watch.ts';
import { addSecurityHeaders } from './security-headers.ts';
import { DEFAULT_LIMITS, type ServerContext, type ServerLimits } from './server-context.ts';
import { SqlNonceStore } from './store/sql-nonce-store.ts';
import type { Store } from './store/store.ts';
import { registerWeb } from './web/register-web.ts';
import type { WebOptions } from './web/web-options.ts';

export const API_PREFIX = '/api/v1';

declare module 'fastify' {
  interface FastifyInstance {
    /** `METHOD /path` of every route the app serves (complete once the app is ready). */
    apiRoutes(): string[];
  }
}

export interface AppDeps {
  readonly store: Store;
  /** The pinned network root: name, root public key, accreditation cap. */
  readonly root: NetworkRoot;
  /** Signs delivery receipts. */
  readonly serverSigner: Signer;
  readonly clock: Clock;
  /** Signs the log's checkpoints with the log key (main.ts keeps it in the data dir). */
  readonly checkpointer: Checkpointer;
  /** Browser sign-in and the web app (web/web-options.ts); default origin http://localhost:8080. */
  readonly web?: WebOptions;
  /** Per-device request rate. Default: bursts of 200, 100 per second sustained. */
  readonly rateLimit?: RateLimit;
  /** Per claimed device, how many refused requests get their own audit event. */
  readonly refusalAuditLimit?: RateLimit;
  readonly limits?: Partial<ServerLimits>;
  /**
   * The node's origin, whose host every request signature must name as `@authority`.
   * Default: the web app's origin (`web.origin`); one of the two is required.
   */
  readonly origin?: string;
  /** Unsigned requests (root-signed directory entries, bootstrap) per source address. Default: bursts of 60, 1 per second. */
  readonly unsignedRateLimit?: RateLimit;
  /** Fastify's logger option; off by default. Request bodies and headers are never logged. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Parses sealed cables off the event loop (body-parser.ts); its starter closes it. Default: in the route. */
  readonly bodyParser?: BodyParser;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const directory = await DirectoryCache.open(deps.root, deps.store);
  const ctx: ServerContext = {
    store: deps.store,
    directory,
    clock: deps.clock,
    serverSigner: deps.serverSigner,
    nonces: new SqlNonceStore(deps.store, deps.clock),
    limiter: new TokenBucketRateLimiter(deps.rateLimit ?? { capacity: 200, refillPerSecond: 100 }),
    refusals: new RefusalRecorder(
      deps.store,
      deps.clock,
      new TokenBucketRateLimiter(deps.refusalAuditLimit ?? { capacity: 50, refillPerSecond: 1 }),
    ),
    limits,
    requireAal3: deps.web?.requireAal3 ?? false,
    entitledSets: new EntitledSets(),
    ...(deps.bodyParser ? { bodyParser: deps.bodyParser } : {}),
  };

  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: limits.maxBodyBytes,
    // Slow clients cannot hold a connection forever.
    requestTimeout: 120_000,
    return503OnClosing: true,
    // The API is exactly the routes of docs/api.md: no implicit HEAD twins.
    exposeHeadRoutes: false,
  });

  // Bodies are kept as the exact bytes received: the signature's Content-Digest covers them,
  // and core `parseJson` (duplicate keys, depth) reads them in the route.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  // JSON whose byte strings travel raw after it (core/encoding/json-with-bytes.ts).
  app.addContentTypeParser(JSON_WITH_BYTES_TYPE, { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  // Encrypted attachments (PUT /attachments/:digest) only; every other route reads JSON.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  // A request refused before its body was read (unsigned, bad signature, rate-limited) ends
  // its connection with the answer: the HTTP layer would otherwise read and discard the rest
  // of an unauthenticated upload, megabytes at a time (docs/design.md §10).
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && !request.raw.complete) reply.header('connection', 'close');
    return payload;
  });

  const inventory: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) inventory.push(`${method} ${route.url}`);
  });
  app.decorate('apiRoutes', () => [...inventory]);

  addSecurityHeaders(app);
  registerErrorHandling(app);
  const origin = deps.origin ?? deps.web?.origin;
  if (origin === undefined)
    throw new TypeError('buildApp needs the node origin (deps.origin or deps.web.origin)');
  registerAuthentication(app, ctx, {
    origin,
    unsignedRateLimit: deps.unsignedRateLimit ?? { capacity: 60, refillPerSecond: 1 },
  });
  registerWeb(app, ctx, deps.web);
  registerAuditLog(app, ctx, deps.checkpointer);

  app.register(
    async (api) => {
      networkRoutes(api, ctx);
      directoryRoutes(api, ctx);
      invitationRoutes(api, ctx);
      officerActRoutes(api, ctx);
      enrolmentRoutes(api, ctx);
      orgRoutes(api, ctx);
      cableRoutes(api, ctx);
      attachmentRoutes(api, ctx);
      ackRoutes(api, ctx, deps.checkpointer);
      inboxRoutes(api, ctx);
      deviceRoutes(api, ctx);
      watchRoutes(api, ctx);
      silenceRoutes(api, ctx, deps.checkpointer);
    },
    { prefix: API_PREFIX },
  );
  return app;
}
