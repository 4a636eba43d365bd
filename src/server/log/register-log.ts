/**
 * Everything the verifiable audit log adds to the app, registered by one call in app.ts:
 * the hook that logs authorisation refusals, and the /log and /audit routes under /api/v1,
 * which sign with the Checkpointer the app was built with (main.ts makes it with the log
 * key kept in the data dir; there is no other key).
 */
import type { FastifyInstance } from 'fastify';
import { registerRefusalAudit } from '../refusal-audit.ts';
import { auditRoutes } from '../routes/audit.ts';
import { logRoutes } from '../routes/log.ts';
import type { ServerContext } from '../server-context.ts';
import type { Checkpointer } from './checkpointer.ts';

export function registerAuditLog(app: FastifyInstance, ctx: ServerContext, checkpointer: Checkpointer): void {
  registerRefusalAudit(app, ctx);
  app.register(
    async (api) => {
      logRoutes(api, ctx, checkpointer);
      auditRoutes(api, ctx, checkpointer);
    },
    { prefix: '/api/v1' },
  );
}
