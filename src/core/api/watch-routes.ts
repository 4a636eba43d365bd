/**
 * The watch's routes (docs/design.md §9): an organisation's security officers read the
 * state and the reads of their devices, release or suspend one with a reason, tune their
 * thresholds, and follow the watch's events live (server-sent events: the answer is a
 * text/event-stream, read as bytes). A browser device the watch held releases itself with a
 * fresh passkey touch (step-up), which malware in the browser cannot give.
 */
import { array, boolean, enumOf, type Infer, integer, object, optional, string } from '../encoding/decode.ts';
import { decodeDeviceId, decodeOrgId, decodeUserId, ROLES } from '../encoding/identifiers.ts';
import { decodeReadThresholds } from '../watch/read-thresholds.ts';
import { route } from './route.ts';
import { decodeCount, decodeTime } from './shared-decoders.ts';
import { decodeEmptyPost, decodePasskeyOptions, decodePasskeyPost } from './web-routes.ts';

export const WATCH_STATES = ['active', 'held', 'suspended'] as const;
export type WatchState = (typeof WATCH_STATES)[number];

const decodeReason = string({ min: 3, max: 500 });

export const decodeWatchedDevices = object({
  org: decodeOrgId,
  items: array(
    object({
      device: decodeDeviceId,
      user: decodeUserId,
      label: string({ min: 1, max: 80 }),
      role: enumOf(ROLES),
      state: enumOf(WATCH_STATES),
      since: optional(decodeTime),
      reason: optional(string({ min: 0, max: 500 })),
    }),
    { max: 100_000 },
  ),
});
export type WatchedDevices = Infer<typeof decodeWatchedDevices>;

export const decodeDeviceActivity = object({
  device: decodeDeviceId,
  from: decodeTime,
  slotSeconds: integer({ min: 60, max: 86_400 }),
  reads: array(decodeCount, { max: 7 * 144 }),
  limit: decodeCount,
});
export type DeviceActivity = Infer<typeof decodeDeviceActivity>;

const decodeStateChange = object({ device: decodeDeviceId, state: enumOf(WATCH_STATES) });

export const decodeOrgThresholds = object({
  org: decodeOrgId,
  items: array(object({ role: enumOf(ROLES), tuned: boolean(), thresholds: decodeReadThresholds }), {
    max: ROLES.length,
  }),
});

export const WATCH_ROUTES = {
  watchedDevices: route({
    method: 'GET',
    path: '/api/v1/watch/devices',
    auth: 'device',
    body: 'none',
    answer: decodeWatchedDevices,
  }),
  deviceActivity: route({
    method: 'GET',
    path: '/api/v1/watch/devices/:device/activity',
    auth: 'device',
    body: 'none',
    answer: decodeDeviceActivity,
  }),
  releaseDevice: route({
    method: 'POST',
    path: '/api/v1/watch/devices/:device/release',
    auth: 'device',
    body: object({ reason: decodeReason }),
    answer: decodeStateChange,
  }),
  suspendDevice: route({
    method: 'POST',
    path: '/api/v1/watch/devices/:device/suspend',
    auth: 'device',
    body: object({ reason: decodeReason }),
    answer: decodeStateChange,
  }),
  watchThresholds: route({
    method: 'GET',
    path: '/api/v1/watch/thresholds',
    auth: 'device',
    body: 'none',
    answer: decodeOrgThresholds,
  }),
  tuneThresholds: route({
    method: 'PUT',
    path: '/api/v1/watch/thresholds/:role',
    auth: 'device',
    body: object({ thresholds: decodeReadThresholds }),
    answer: object({ org: decodeOrgId, role: enumOf(ROLES), thresholds: decodeReadThresholds }),
  }),
  watchStream: route({
    method: 'GET',
    path: '/api/v1/watch/stream',
    auth: 'device',
    body: 'none',
    answer: 'bytes',
  }),
  startWatchStepUp: route({
    method: 'POST',
    path: '/api/v1/watch/step-up/options',
    auth: 'device',
    body: decodeEmptyPost,
    answer: decodePasskeyOptions,
  }),
  finishWatchStepUp: route({
    method: 'POST',
    path: '/api/v1/watch/step-up',
    auth: 'device',
    body: decodePasskeyPost,
    answer: decodeStateChange,
  }),
} as const;
