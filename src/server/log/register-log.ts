/**
 * Everything the verifiable audit log adds to the app, registered by one call in app.ts:
 * the Checkpointer (the one main.ts made with the persistent log key, or a throw-away one
 * for tests that do not care), the hook that logs authorisation refusals, and the /log and
 * /audit routes under /api/v1.
 */
import type { FastifyInstance } from 'fastify';
import { generateSigner } from '../../core/crypto/ed25519.ts';
import { registerRefusalAudit } from '../refusal-audit.ts';
import { auditRoutes } from '../routes/audit.ts';
import { logRoutes } from '../routes/log.ts';
import type { ServerContext } from '../server-context.ts';
import { Checkpointer } from './checkpointer.ts';

declare module '../app.ts' {
  interface AppDeps {
    /** Signs the log's checkpoints; main.ts makes it with the key kept in the data dir. */
    readonly checkpointer?: Checkpointer;
  }
}

export async function registerAuditLog(
  app: FastifyInstance,
  ctx: ServerContext,
  given: Checkpointer | undefined,
): Promise<Checkpointer> {
  const checkpointer =
    given ??
    new Checkpointer({
      log: ctx.store.log,
      network: ctx.directory.root.network,
      key: await generateSigner(),
      clock: ctx.clock,
    });
  registerRefusalAudit(app, ctx);
  app.register(
    async (api) => {
      logRoutes(api, ctx, checkpointer);
      auditRoutes(api, ctx, checkpointer);
    },
    { prefix: '/api/v1' },
  );
  return checkpointer;
}
