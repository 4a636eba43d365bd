/**
 * The routes of the two-person rule (docs/api.md, "Officer acts"; docs/design.md §5): an
 * officer act posted from a command-line device is held, answered 202 with the act below,
 * and a second security officer of the organisation lists, confirms or refuses it.
 */
import { array, enumOf, type Infer, literal, object, optional, string } from '../encoding/decode.ts';
import { decodeDeviceId, decodeOrgId, decodeUserId } from '../encoding/identifiers.ts';
import { decodeSignedEntry } from '../identity/certificate.ts';
import { decodeInvitationPost } from './directory-routes.ts';
import { route } from './route.ts';
import { decodeCount, decodeTime } from './shared-decoders.ts';
import { decodeEmptyPost } from './web-routes.ts';

/** What a held act is: an invitation, or the kind of the directory entry it carries. */
export const HELD_ACT_TYPES = ['invitation', 'user', 'device', 'revocation'] as const;
export type HeldActType = (typeof HELD_ACT_TYPES)[number];

/** The 202 answer of POST /invitations and POST /directory from a command-line officer device. */
export const decodeHeldAnswer = object({
  held: object({
    id: decodeDeviceId,
    org: decodeOrgId,
    act: enumOf(HELD_ACT_TYPES),
    expiresAt: decodeTime,
  }),
  message: string({ min: 1, max: 1000 }),
});
export type HeldAnswer = Infer<typeof decodeHeldAnswer>;

export const decodeHeldAct = object({
  id: decodeDeviceId,
  org: decodeOrgId,
  act: enumOf(HELD_ACT_TYPES),
  /** The officer who posted it: their device and user. */
  device: decodeDeviceId,
  user: decodeUserId,
  /** The user the act is about. */
  subject: decodeUserId,
  createdAt: decodeTime,
  expiresAt: decodeTime,
  /** The signed directory entry, exactly as posted (user, device and revocation acts). */
  entry: optional(decodeSignedEntry),
  /** The invitation, exactly as posted (invitation acts). */
  invitation: optional(decodeInvitationPost),
});
export type HeldAct = Infer<typeof decodeHeldAct>;

export const decodeHeldActList = object({ items: array(decodeHeldAct, { max: 1000 }) });

export const decodeActRefusal = object({ reason: string({ min: 3, max: 500 }) });

export const decodeActConfirmed = object({
  id: decodeDeviceId,
  outcome: literal('confirmed'),
  /** A directory entry's index and the epoch after it. */
  index: optional(decodeCount),
  epoch: optional(decodeCount),
  /** An invitation's id and expiry. */
  invitation: optional(decodeDeviceId),
  expiresAt: optional(decodeTime),
});
export type ActConfirmed = Infer<typeof decodeActConfirmed>;
export const decodeActRefused = object({ id: decodeDeviceId, outcome: literal('refused') });

export const OFFICER_ACT_ROUTES = {
  heldActs: route({
    method: 'GET',
    path: '/api/v1/officer-acts',
    auth: 'device',
    body: 'none',
    answer: decodeHeldActList,
  }),
  confirmAct: route({
    method: 'POST',
    path: '/api/v1/officer-acts/:id/confirm',
    auth: 'device',
    body: decodeEmptyPost,
    answer: decodeActConfirmed,
  }),
  refuseAct: route({
    method: 'POST',
    path: '/api/v1/officer-acts/:id/refuse',
    auth: 'device',
    body: decodeActRefusal,
    answer: decodeActRefused,
  }),
} as const;
