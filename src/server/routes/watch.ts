/**
 * The watch, for an organisation's security officers (docs/design.md §9): the state of each
 * of their devices, each device's reads over time, the acts that release or suspend a
 * device (each with a reason that goes into the log), the organisation's thresholds, and a
 * live stream of the watch's events (server-sent events, pushed as they commit), the
 * organisation's canary cables and its working hours.
 *
 * Officers act on their own organisation only; the network authority reads every
 * organisation's watch but acts on none of its devices.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { enumOf, optional } from '../../core/encoding/decode.ts';
import { decodeDeviceId, decodeOrgId, ROLES } from '../../core/encoding/identifiers.ts';
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { DEFAULT_READ_THRESHOLDS } from '../../core/watch/read-thresholds.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { isOfficerOf } from '../authorise.ts';
import { unixSeconds } from '../clock.ts';
import { readParams } from '../read-params.ts';
import { readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { WatchState } from '../store/watch-store.ts';
import { watchStream } from '../watch/watch-stream.ts';
import { routeBody, serve } from './serve-route.ts';
import { readableOrg } from './watch-access.ts';
import { canaryRoutes } from './watch-canaries.ts';
import { hoursRoutes } from './watch-hours.ts';

/** The activity chart: reads per 10 minutes over the last day or week. */
const PERIODS = { day: 86_400, week: 7 * 86_400 } as const;
const SLOT_SECONDS = 600;

export function watchRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Live streams never end on their own: closing the server ends them first.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  serve(app, ROUTES.watchedDevices, {}, async (request) => {
    const actor = requireActor(request);
    const org = readableOrg(actor, readQuery(request, { org: optional(decodeOrgId) }).org);
    const states = new Map((await ctx.store.watch.devices(org)).map((w) => [w.device, w]));
    const items = ctx.directory.directory
      .devices()
      .filter((d) => d.org.org === org)
      .map((d) => {
        const watch = states.get(d.device.device);
        return {
          device: d.device.device,
          user: d.user.user,
          label: d.device.label,
          role: d.user.role,
          state: watch?.state ?? ('active' satisfies WatchState),
          ...(watch && watch.state !== 'active' ? { since: watch.since, reason: watch.reason } : {}),
        };
      });
    return { org, items };
  });

  serve(app, ROUTES.deviceActivity, {}, async (request) => {
    const actor = requireActor(request);
    const target = deviceOf(ctx, readParams(request, { device: decodeDeviceId }).device);
    readableOrg(actor, target.org.org);
    const { period = 'day' } = readQuery(request, { period: optional(enumOf(['day', 'week'])) });
    const now = unixSeconds(ctx.clock);
    const to = now - (now % SLOT_SECONDS) + SLOT_SECONDS;
    const from = to - PERIODS[period];
    const slots = new Array<number>(PERIODS[period] / SLOT_SECONDS).fill(0);
    for (const bucket of await ctx.store.watch.buckets(target.device.device, from, to)) {
      const slot = Math.floor((bucket.start - from) / SLOT_SECONDS);
      slots[slot] = (slots[slot] ?? 0) + bucket.reads;
    }
    const thresholds =
      (await ctx.store.watch.thresholds(target.org.org, target.user.role)) ??
      DEFAULT_READ_THRESHOLDS[target.user.role];
    return {
      device: target.device.device,
      from,
      slotSeconds: SLOT_SECONDS,
      reads: slots,
      // The line drawn across the chart: where officers are alerted, per 10 minutes.
      limit: thresholds.alert['10 minutes'],
    };
  });

  serve(app, ROUTES.releaseDevice, {}, async (request) =>
    setState(
      ctx,
      request,
      'active',
      'watch.released',
      routeBody(request, ROUTES.releaseDevice, ctx.limits.maxBodyBytes).reason,
    ),
  );

  serve(app, ROUTES.suspendDevice, {}, async (request) =>
    setState(
      ctx,
      request,
      'suspended',
      'watch.suspended',
      routeBody(request, ROUTES.suspendDevice, ctx.limits.maxBodyBytes).reason,
    ),
  );

  serve(app, ROUTES.watchThresholds, {}, async (request) => {
    const actor = requireActor(request);
    const org = readableOrg(actor, readQuery(request, { org: optional(decodeOrgId) }).org);
    const items = [];
    for (const role of ROLES) {
      const tuned = await ctx.store.watch.thresholds(org, role);
      items.push({ role, tuned: tuned !== undefined, thresholds: tuned ?? DEFAULT_READ_THRESHOLDS[role] });
    }
    return { org, items };
  });

  serve(app, ROUTES.tuneThresholds, {}, async (request) => {
    const actor = requireActor(request);
    const { role } = readParams(request, { role: enumOf(ROLES) });
    const org = actor.org.org;
    if (!isOfficerOf(actor, org)) {
      throw new ServerError('FORBIDDEN', `only a security officer of ${org} may tune its watch`);
    }
    const { thresholds } = routeBody(request, ROUTES.tuneThresholds, ctx.limits.maxBodyBytes);
    const at = unixSeconds(ctx.clock);
    await ctx.store.watch.setThresholds(
      org,
      role,
      thresholds,
      auditRecord({
        at,
        type: 'watch.thresholds',
        actor: actorOf(actor),
        object: { kind: 'org', id: org, org },
        detail: { role, thresholds: { ...thresholds } },
      }),
    );
    return { org, role, thresholds };
  });

  serve(app, ROUTES.watchStream, {}, async (request, reply) => {
    const actor = requireActor(request);
    const org = readableOrg(actor, readQuery(request, { org: optional(decodeOrgId) }).org);
    await watchStream(ctx, request, reply, org, closing.signal);
  });

  canaryRoutes(app, ctx);
  hoursRoutes(app, ctx);
}

function deviceOf(ctx: ServerContext, device: string): DirectoryDevice {
  const found = ctx.directory.directory.devices().find((d) => d.device.device === device);
  if (!found) throw new ServerError('NOT_FOUND', `no device ${device} in force`);
  return found;
}

async function setState(
  ctx: ServerContext,
  request: FastifyRequest,
  state: WatchState,
  type: 'watch.released' | 'watch.suspended',
  reason: string,
): Promise<{ device: string; state: WatchState }> {
  const actor = requireActor(request);
  const target = deviceOf(ctx, readParams(request, { device: decodeDeviceId }).device);
  const org = target.org.org;
  if (!isOfficerOf(actor, org)) {
    throw new ServerError(
      'FORBIDDEN',
      `only a security officer of ${org} may release or suspend its devices`,
    );
  }
  // An officer's own device is released by another officer: a stolen officer's key cannot
  // lift its own suspension.
  if (target.device.device === actor.device.device) {
    throw new ServerError('FORBIDDEN', 'another security officer must act on your own device');
  }
  const at = unixSeconds(ctx.clock);
  await ctx.store.watch.setState(
    target.device.device,
    org,
    state,
    at,
    reason,
    auditRecord({
      at,
      type,
      actor: actorOf(actor),
      object: { kind: 'device', id: target.device.device, org },
      detail: { reason, user: target.user.user },
    }),
  );
  return { device: target.device.device, state };
}
