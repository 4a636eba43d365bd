/**
 * GET /devices: an organisation's devices and their state, for its security officers
 * (their own organisation) and the network authority (any organisation).
 */

import type { FastifyInstance } from 'fastify';
import type { DeviceStatus } from '../../core/api/directory-routes.ts';
import { ROUTES } from '../../core/api/routes.ts';
import { optional } from '../../core/encoding/decode.ts';
import { decodeOrgId } from '../../core/encoding/identifiers.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import { readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { serve } from './serve-route.ts';

export function deviceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  serve(app, ROUTES.devices, {}, async (request) => {
    const actor = requireActor(request);
    const query = readQuery(request, { org: optional(decodeOrgId) });
    const org = query.org ?? actor.org.org;
    const authority = actor.user.role === 'network-authority';
    const officer = actor.user.role === 'security-officer' && actor.org.org === org;
    if (!authority && !officer) {
      throw new ServerError(
        'FORBIDDEN',
        `only a security officer of ${org} or the network authority may list its devices`,
      );
    }
    const directory = ctx.directory.directory;
    const now = unixSeconds(ctx.clock);
    const items: { device: string; user: string; label: string; status: DeviceStatus }[] = [];
    for (const entry of directory.entries) {
      const body = entry.body;
      if (body.kind !== 'device' || body.org !== org) continue;
      const status: DeviceStatus = !directory.device(body.device)
        ? 'revoked'
        : now >= body.expiresAt
          ? 'expired'
          : 'active';
      items.push({ device: body.device, user: body.user, label: body.label, status });
    }
    for (const pending of await ctx.store.enrolments(org, 'pending')) {
      items.push({ device: pending.device, user: pending.user, label: pending.label, status: 'pending' });
    }
    return { items };
  });
}
