/**
 * The routes of the network and its directory (docs/api.md, "Routes"): the network's pins,
 * directory entries, invitations, enrolments, device lists and an organisation's series head.
 */
import {
  array,
  bytes,
  enumOf,
  type Infer,
  integer,
  literal,
  object,
  optional,
  string,
} from '../encoding/decode.ts';
import {
  decodeDeviceId,
  decodeDigest,
  decodeEd25519PublicKey,
  decodeOrgId,
  decodeUserId,
  decodeXWingPublicKey,
} from '../encoding/identifiers.ts';
import { decodeNetworkName, decodeSignedEntries, decodeSignedEntry } from '../identity/certificate.ts';
import { CLASSIFICATIONS } from '../identity/classification.ts';
import { decodeSignedPresidency } from '../procedure/presidency.ts';
import { route } from './route.ts';
import { decodeCount, decodeHashList, decodeTime, nullable } from './shared-decoders.ts';

export const decodeNetworkInfo = object({
  network: decodeNetworkName,
  rootKey: decodeEd25519PublicKey,
  accreditation: enumOf(CLASSIFICATIONS),
  serverKey: decodeEd25519PublicKey,
  epoch: decodeCount,
  /** The Presidency act in force (docs/design.md §2), signed by the network root. */
  presidency: optional(decodeSignedPresidency),
});
export type NetworkInfo = Infer<typeof decodeNetworkInfo>;

/** A directory entry's place in the audit log; with `size=`, its event and inclusion proof. */
export const decodeDirectoryLeaf = object({
  leaf: decodeCount,
  event: optional(string({ min: 1, max: 16 * 1024 })),
  proof: optional(decodeHashList),
});
export type DirectoryLeaf = Infer<typeof decodeDirectoryLeaf>;

export const decodeDirectoryPage = object({
  epoch: decodeCount,
  entries: decodeSignedEntries,
  leaves: optional(array(decodeDirectoryLeaf, { max: 1_000_000 })),
});

export const decodeEntryPost = object({ entry: decodeSignedEntry });
export const decodeEntryPosted = object({ index: decodeCount, epoch: decodeCount });

export const decodeInvitationPost = object({
  /** 16 random bytes, base64url, chosen by the officer's device. */
  id: decodeDeviceId,
  org: decodeOrgId,
  user: decodeUserId,
  secretHash: decodeDigest,
  expiresAt: decodeTime,
});
export const decodeInvitationCreated = object({ id: decodeDeviceId, expiresAt: decodeTime });

export const decodeEnrolmentPost = object({
  invitation: decodeDeviceId,
  secret: bytes({ length: 32 }),
  device: decodeDeviceId,
  label: string({ min: 1, max: 80 }),
  signingKey: decodeEd25519PublicKey,
  kemKey: decodeXWingPublicKey,
  /** HMAC over the keys under the invitation's binding key, which the server never sees. */
  binding: bytes({ length: 32 }),
});
export const decodeEnrolmentCreated = object({ device: decodeDeviceId, status: literal('pending') });

export const ENROLMENT_STATUSES = ['pending', 'done'] as const;
export const decodePendingEnrolment = object({
  device: decodeDeviceId,
  user: decodeUserId,
  org: decodeOrgId,
  label: string({ min: 1, max: 80 }),
  signingKey: decodeEd25519PublicKey,
  kemKey: decodeXWingPublicKey,
  createdAt: decodeTime,
  status: enumOf(ENROLMENT_STATUSES),
  /** The invitation redeemed and the device's binding MAC (absent on enrolments from before it). */
  invitation: optional(decodeDeviceId),
  binding: optional(bytes({ length: 32 })),
});
export type PendingEnrolment = Infer<typeof decodePendingEnrolment>;
export const decodePendingList = object({ items: array(decodePendingEnrolment, { max: 100_000 }) });

export const DEVICE_STATUSES = ['active', 'revoked', 'expired', 'pending'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
export const decodeDeviceListItem = object({
  device: decodeDeviceId,
  user: decodeUserId,
  label: string({ min: 1, max: 80 }),
  status: enumOf(DEVICE_STATUSES),
});
export type DeviceListItem = Infer<typeof decodeDeviceListItem>;
export const decodeDeviceList = object({ items: array(decodeDeviceListItem, { max: 100_000 }) });

export const decodeSeriesHead = object({
  serial: integer({ min: 0, max: 999_999 }),
  year: integer({ min: 2000, max: 2099 }),
  hash: nullable(decodeDigest),
});
export type SeriesHead = Infer<typeof decodeSeriesHead>;

export const DIRECTORY_ROUTES = {
  network: route({
    method: 'GET',
    path: '/api/v1/network',
    auth: 'none',
    body: 'none',
    answer: decodeNetworkInfo,
  }),
  directory: route({
    method: 'GET',
    path: '/api/v1/directory',
    auth: 'device',
    body: 'none',
    answer: decodeDirectoryPage,
  }),
  postEntry: route({
    method: 'POST',
    path: '/api/v1/directory',
    auth: 'optional',
    body: decodeEntryPost,
    answer: decodeEntryPosted,
  }),
  invite: route({
    method: 'POST',
    path: '/api/v1/invitations',
    auth: 'device',
    body: decodeInvitationPost,
    answer: decodeInvitationCreated,
  }),
  enrol: route({
    method: 'POST',
    path: '/api/v1/enrolments',
    auth: 'none',
    body: decodeEnrolmentPost,
    answer: decodeEnrolmentCreated,
  }),
  enrolments: route({
    method: 'GET',
    path: '/api/v1/enrolments',
    auth: 'device',
    body: 'none',
    answer: decodePendingList,
  }),
  devices: route({
    method: 'GET',
    path: '/api/v1/devices',
    auth: 'device',
    body: 'none',
    answer: decodeDeviceList,
  }),
  seriesHead: route({
    method: 'GET',
    path: '/api/v1/orgs/:org/head',
    auth: 'device',
    body: 'none',
    answer: decodeSeriesHead,
  }),
} as const;
