/**
 * Decoders for the answers of API v1 (docs/api.md), one per route, built from the core
 * decoder kit: strict (an unknown or missing field is an error) and bounded, so a server
 * that drifts from the contract is caught at the edge instead of deep inside an operation.
 */

import type { CableHeader } from '../core/cable/cable-header.ts';
import { decodeCableHeader } from '../core/cable/cable-header.ts';
import { ADDRESSEE_ROLES } from '../core/cable/precedence.ts';
import { decodeSealedCable } from '../core/cable/sealed-cable.ts';
import { parseCanonical } from '../core/encoding/canonical-json.ts';
import type { Decoder, Infer } from '../core/encoding/decode.ts';
import {
  array,
  boolean,
  enumOf,
  integer,
  literal,
  object,
  optional,
  string,
} from '../core/encoding/decode.ts';
import {
  decodeCableId,
  decodeDeviceId,
  decodeDigest,
  decodeEd25519PublicKey,
  decodeEd25519Signature,
  decodeOrgId,
  decodeUserId,
  decodeXWingPublicKey,
} from '../core/encoding/identifiers.ts';
import { decodeNetworkName, decodeSignedEntries } from '../core/identity/certificate.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';

const SAFE = { min: 0, max: Number.MAX_SAFE_INTEGER };
const decodeTime = integer(SAFE);
const decodeCount = integer(SAFE);

/** `null` or what `decoder` reads. */
export function nullable<T>(decoder: Decoder<T>): Decoder<T | null> {
  return (value, field) => (value === null ? null : decoder(value, field));
}

export const decodeNetworkInfo = object({
  network: decodeNetworkName,
  rootKey: decodeEd25519PublicKey,
  accreditation: enumOf(CLASSIFICATIONS),
  serverKey: decodeEd25519PublicKey,
  epoch: decodeCount,
});
export type NetworkInfo = Infer<typeof decodeNetworkInfo>;

/** A directory entry's place in the audit log; with `size=`, its event and inclusion proof. */
export const decodeDirectoryLeaf = object({
  leaf: decodeCount,
  event: optional(string({ min: 1, max: 16 * 1024 })),
  proof: optional(array(string({ min: 43, max: 43 }), { max: 128 })),
});
export type DirectoryLeaf = Infer<typeof decodeDirectoryLeaf>;

export const decodeDirectoryPage = object({
  epoch: decodeCount,
  entries: decodeSignedEntries,
  leaves: optional(array(decodeDirectoryLeaf, { max: 1_000_000 })),
});

/** GET /log: what a client pins at enrolment. */
export const decodeLogInfo = object({
  origin: string({ min: 1, max: 200 }),
  key: string({ min: 1, max: 400 }),
});
export type LogInfo = Infer<typeof decodeLogInfo>;

const decodeNote = string({ min: 1, max: 256 * 1024 });
const decodeHashList = array(string({ min: 43, max: 43 }), { max: 128 });

export const decodeCheckpointAnswer = object({ size: decodeCount, note: decodeNote });

export const decodeCheckpointList = object({
  items: array(object({ size: decodeCount, note: decodeNote }), { max: 1000 }),
  next: optional(decodeCount),
});

export const decodeInclusionAnswer = object({ index: decodeCount, size: decodeCount, proof: decodeHashList });
export const decodeConsistencyAnswer = object({ from: decodeCount, to: decodeCount, proof: decodeHashList });

export const decodeLeafPage = object({
  size: decodeCount,
  items: array(
    object({
      leaf: decodeCount,
      event: optional(string({ min: 1, max: 16 * 1024 })),
      hash: optional(string({ min: 43, max: 43 })),
    }),
    { max: 10_000 },
  ),
  next: optional(decodeCount),
});

export const decodeAuditPage = object({
  checkpoint: decodeCheckpointAnswer,
  items: array(
    object({ leaf: decodeCount, event: string({ min: 1, max: 16 * 1024 }), proof: decodeHashList }),
    { max: 1000 },
  ),
  next: optional(decodeCount),
});

export const decodeCosignatureAnswer = object({ size: decodeCount, witness: decodeDeviceId });
export const decodeAlertAnswer = object({ leaf: decodeCount });

export const decodeEntryPosted = object({ index: decodeCount, epoch: decodeCount });

export const decodeInvitationCreated = object({ id: string({ min: 1, max: 64 }), expiresAt: decodeTime });

export const decodeEnrolmentCreated = object({ device: decodeDeviceId, status: literal('pending') });

export const decodePendingEnrolment = object({
  device: decodeDeviceId,
  user: decodeUserId,
  org: decodeOrgId,
  label: string({ min: 1, max: 80 }),
  signingKey: decodeEd25519PublicKey,
  kemKey: decodeXWingPublicKey,
  createdAt: decodeTime,
  // Not in docs/api.md, but sent by src/server (pending or done): accepted, not relied on.
  status: optional(enumOf(['pending', 'done'])),
});
export type PendingEnrolment = Infer<typeof decodePendingEnrolment>;
export const decodePendingList = object({ items: array(decodePendingEnrolment, { max: 100_000 }) });

export const decodeSeriesHead = object({
  serial: integer({ min: 0, max: 999_999 }),
  year: integer({ min: 2000, max: 2099 }),
  hash: nullable(decodeDigest),
});
export type SeriesHead = Infer<typeof decodeSeriesHead>;

export const decodeReceipt = object({
  cable: decodeCableId,
  reference: string({ min: 1, max: 20 }),
  hash: decodeDigest,
  acceptedAt: decodeTime,
  signature: decodeEd25519Signature,
});
export type Receipt = Infer<typeof decodeReceipt>;
export const decodeReceiptAnswer = object({ receipt: decodeReceipt });

/** The header arrives either as the canonical JSON value or as its canonical text. */
const decodeSignedHeader: Decoder<CableHeader> = (value, field) =>
  decodeCableHeader(
    typeof value === 'string' ? parseCanonical(value, { maxBytes: 2 * 1024 * 1024 }) : value,
    field,
  );

export const INBOX_ROLES = ['action', 'info', 'sender', 'registry'] as const;

export const decodeInboxItem = object({
  id: decodeCableId,
  reference: string({ min: 1, max: 20 }),
  header: decodeSignedHeader,
  signature: decodeEd25519Signature,
  acknowledged: boolean(),
  role: enumOf(INBOX_ROLES),
});
export type InboxItem = Infer<typeof decodeInboxItem>;
export const decodeInboxPage = object({
  items: array(decodeInboxItem, { max: 1000 }),
  next: optional(string({ min: 1, max: 512 })),
});

export const decodeCableAnswer = object({ cable: decodeSealedCable });

export const decodeAckAnswer = object({
  org: decodeOrgId,
  user: decodeUserId,
  device: decodeDeviceId,
  at: decodeTime,
});
export type AckAnswer = Infer<typeof decodeAckAnswer>;

/** Who acknowledged for an org: the user id, or the user and device. */
const decodeAckBy: Decoder<string | { readonly user: string; readonly device?: string }> = (value, field) =>
  typeof value === 'string'
    ? decodeUserId(value, field)
    : object({ user: decodeUserId, device: optional(decodeDeviceId) })(value, field);

export const decodeAckStatus = object({
  org: decodeOrgId,
  role: enumOf(ADDRESSEE_ROLES),
  acknowledged: boolean(),
  by: optional(decodeAckBy),
  at: optional(decodeTime),
});
export type AckStatus = Infer<typeof decodeAckStatus>;
export const decodeAckList = object({ items: array(decodeAckStatus, { max: 1000 }) });

export const DEVICE_STATUSES = ['active', 'revoked', 'pending'] as const;
export const decodeDeviceListItem = object({
  device: decodeDeviceId,
  user: decodeUserId,
  label: string({ min: 1, max: 80 }),
  status: enumOf(DEVICE_STATUSES),
});
export type DeviceListItem = Infer<typeof decodeDeviceListItem>;
export const decodeDeviceList = object({ items: array(decodeDeviceListItem, { max: 100_000 }) });
