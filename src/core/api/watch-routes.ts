/**
 * The watch's routes (docs/design.md §9): an organisation's security officers read the
 * state and the reads of their devices, release or suspend one with a reason, tune their
 * thresholds, and follow the watch's events live (server-sent events: the answer is a
 * text/event-stream, read as bytes), plant canary cables for their people and set their
 * organisation's working hours.
  }),
 * text/event-stream, read as bytes). A browser device the watch held releases itself with a
 * fresh passkey touch (step-up), which malware in the browser cannot give.
 */
import {
  array,
  boolean,
  enumOf,
  type Infer,
  integer,
  object,
  optional,
  refine,
  string,
} from '../encoding/decode.ts';
import {
  decodeCableId,
  decodeDeviceId,
  decodeGroup,
  decodeOrgId,
  decodeUserId,
  ROLES,
} from '../encoding/identifiers.ts';
import { decodeReadThresholds } from '../watch/read-thresholds.ts';
import { decodeWorkingHours } from '../watch/working-hours.ts';
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

/**
 * Whom a canary watches: the devices of these users and of the members of these groups.
 * A fetch by any of them is a strong signal; at least one target, at most 100 of each.
 */
export const decodeCanaryTargets = refine(
  object({
    users: array(decodeUserId, { max: 100 }),
    groups: array(decodeGroup, { max: 100 }),
  }),
  (targets) => {
    if (targets.users.length + targets.groups.length === 0) return 'at least one user or group';
    if (new Set(targets.users).size !== targets.users.length) return 'each user named once';
    if (new Set(targets.groups).size !== targets.groups.length) return 'each group named once';
    return undefined;
  },
);
export type CanaryTargets = Infer<typeof decodeCanaryTargets>;

/**
 * A canary as officers see it: the cable, whom it watches, who planted it and why, and the
 * first fetch by a watched device (the alarm), if any.
 */
export const decodeCanary = object({
  cable: decodeCableId,
  org: decodeOrgId,
  targets: decodeCanaryTargets,
  plantedBy: decodeDeviceId,
  plantedAt: decodeTime,
  reason: string({ min: 0, max: 500 }),
  tripped: optional(object({ device: decodeDeviceId, at: decodeTime })),
});
export type Canary = Infer<typeof decodeCanary>;

export const decodeCanaries = object({ org: decodeOrgId, items: array(decodeCanary, { max: 10_000 }) });

export const decodeOrgWorkingHours = object({
  org: decodeOrgId,
  tuned: boolean(),
  hours: decodeWorkingHours,
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
  /**
   * Marks a cable the officer's organisation sent, to its own people only, as a canary. The
   * cable itself is ordinary traffic (sealed and sent through POST /cables); the marking
   * lives only in the watch's records.
   */
  plantCanary: route({
    method: 'POST',
    path: '/api/v1/watch/canaries',
    auth: 'device',
    body: object({ cable: decodeCableId, targets: decodeCanaryTargets, reason: decodeReason }),
    answer: decodeCanary,
  }),
  watchCanaries: route({
    method: 'GET',
    path: '/api/v1/watch/canaries',
    auth: 'device',
    body: 'none',
    answer: decodeCanaries,
  }),
  workingHours: route({
    method: 'GET',
    path: '/api/v1/watch/hours',
    auth: 'device',
    body: 'none',
    answer: decodeOrgWorkingHours,
  }),
  setWorkingHours: route({
    method: 'PUT',
    path: '/api/v1/watch/hours',
    auth: 'device',
    body: object({ hours: decodeWorkingHours }),
    answer: decodeOrgWorkingHours,
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
