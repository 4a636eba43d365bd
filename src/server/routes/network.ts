/** GET /network: what a client pins before anything else (network, root key, server key). */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { parseCanonical } from '../../core/encoding/canonical-json.ts';
import type { ServerContext } from '../server-context.ts';
import { serve } from './serve-route.ts';

export function networkRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.network, {}, async () => {
    const { root } = ctx.directory;
    const presidency = await ctx.store.procedures.presidency();
    return {
      network: root.network,
      rootKey: toBase64url(root.key),
      accreditation: root.accreditation,
      serverKey: toBase64url(ctx.serverSigner.publicKey),
      epoch: ctx.directory.directory.epoch,
      // The signed act as stored: the client checks it against the root it pinned.
      ...(presidency ? { presidency: parseCanonical(presidency.act) } : {}),
    };
  });
}
