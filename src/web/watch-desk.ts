/**
 * The watch in the worker (docs/design.md §9). For a security officer: the organisation's
 * devices and their state, a device's reads over the day or the week, release and suspend
 * (each with a reason), and the live stream, whose events the worker decodes with the log's
 * own decoder and pushes to the page as they come. For a held browser device: the passkey
 * step-up that releases it. For a stopped device: whom to call, read from the directory this
 * device verified last (the server answers a stopped device nothing else).
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { describeWatchEvent, followWatch, isAlarm } from '../client/follow-watch.ts';
import { plantCanary } from '../client/plant-canary.ts';
import { ROUTES } from '../core/api/routes.ts';
import { inThreadWrapperFor } from '../core/cable/seal-cable.ts';
import { valiseSuites } from '../core/crypto/hpke/valise-suites.ts';
import { WEB_CRYPTO_PRIMITIVES } from '../core/crypto/hpke/web-crypto-primitives.ts';
import { openDirectory } from '../core/identity/directory.ts';
import { passkeyJson } from './browser-enrolment.ts';
import type { DeviceContext } from './device-context.ts';
import type { OfficerContact, WatchActivityView, WatchDeviceRow, WatchEventView } from './device-protocol.ts';
import { requestOptionsJson } from './passkey-options-json.ts';
import type { Follow } from './stream-follower.ts';

export async function watchedDevices(device: DeviceContext): Promise<readonly WatchDeviceRow[]> {
  const answer = await device.live().api.call(ROUTES.watchedDevices);
  return answer.items.map((d) => ({
    device: d.device,
    user: d.user,
    label: d.label,
    role: d.role,
    state: d.state,
    ...(d.since === undefined ? {} : { since: d.since }),
    ...(d.reason === undefined ? {} : { reason: d.reason }),
  }));
}

export async function watchActivity(
  device: DeviceContext,
  target: string,
  period: 'day' | 'week',
): Promise<WatchActivityView> {
  const a = await device
    .live()
    .api.call(ROUTES.deviceActivity, { params: { device: target }, query: { period } });
  return {
    device: a.device,
    period,
    from: a.from,
    slotSeconds: a.slotSeconds,
    reads: a.reads,
    limit: a.limit,
  };
}

export async function setWatchState(
  device: DeviceContext,
  target: string,
  act: 'release' | 'suspend',
  reason: string,
): Promise<void> {
  const route = act === 'release' ? ROUTES.releaseDevice : ROUTES.suspendDevice;
  await device.live().api.call(route, { params: { device: target }, body: { reason } });
}

/**
 * The watch's live events as the page shows them; a reopened stream resumes after the last
 * event seen, so nothing is missed or shown twice.
 */
export function followWatchEvents(): Follow<WatchEventView> {
  let last: number | undefined;
  return async function* (device, signal, onOpen) {
    for await (const { leaf, event } of followWatch(device.live().api, {
      signal,
      onOpen,
      ...(last === undefined ? {} : { after: last }),
    })) {
      last = leaf;
      yield {
        leaf,
        at: event.at,
        type: event.type,
        device: event.object.id,
        ...(event.actor.user === undefined ? {} : { user: event.actor.user }),
        ...(event.object.org === undefined ? {} : { org: event.object.org }),
        line: describeWatchEvent(event),
        alarm: isAlarm(event),
      };
    }
  };
}

export async function startWatchStepUp(
  device: DeviceContext,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  await device.syncClock();
  const { options } = await (await device.deviceApi()).call(ROUTES.startWatchStepUp, { body: {} });
  return requestOptionsJson(options);
}

export async function finishWatchStepUp(device: DeviceContext, passkey: unknown): Promise<void> {
  await (await device.deviceApi()).call(ROUTES.finishWatchStepUp, {
    body: { passkey: passkeyJson(passkey) },
  });
}

export async function securityOfficers(device: DeviceContext): Promise<readonly OfficerContact[]> {
  const { keys } = await device.open();
  const profile = await keys.loadProfile();
  const org = profile.device?.org;
  if (!profile.network || !org) return [];
  const directory = await openDirectory(profile.network.root, await keys.loadDirectory());
  const officers = new Map<string, OfficerContact>();
  for (const d of directory.devices()) {
    if (d.org.org === org && d.user.role === 'security-officer') {
      officers.set(d.user.user, { user: d.user.user, name: d.user.name });
    }
  }
  return [...officers.values()];
}

/** Plants a canary watching `user` (docs/design.md §9): sealed in the worker like any cable. */
export async function plantCanaryFor(
  device: DeviceContext,
  request: {
    readonly user: string;
    readonly subject: string;
    readonly body: string;
    readonly reason: string;
  },
): Promise<{ readonly id: string; readonly reference: string }> {
  const session = await device.fresh(0);
  const { sent } = await plantCanary({
    session,
    targets: { users: [request.user], groups: [] },
    subject: request.subject,
    body: request.body,
    classification: 'RESTREINT UE',
    reason: request.reason,
    wrapper: inThreadWrapperFor(valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing),
  });
  return { id: sent.id, reference: sent.reference };
}
