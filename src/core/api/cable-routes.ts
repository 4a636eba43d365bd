/**
 * The routes of cables (docs/api.md, "Routes"): sending and fetching a sealed cable, the
 * inbox, acknowledgements, and encrypted attachments.
 */
import { MAX_ATTACHMENTS } from '../cable/cable-content.ts';
import { type CableHeader, decodeCableHeader } from '../cable/cable-header.ts';
import { MAX_SUMMARY_BYTES } from '../cable/cable-summary.ts';
import { LIMIT_UNITS } from '../cable/escalation.ts';
import { ADDRESSEE_ROLES, PRECEDENCES } from '../cable/precedence.ts';
import { decodeKeyWrap, decodeSealedCable } from '../cable/sealed-cable.ts';
import { parseCanonical } from '../encoding/canonical-json.ts';
import {
  array,
  boolean,
  bytes,
  type Decoder,
  enumOf,
  type Infer,
  object,
  optional,
  string,
} from '../encoding/decode.ts';
import { integer } from '../encoding/decode-scalars.ts';
import {
  decodeCableId,
  decodeDeviceId,
  decodeDigest,
  decodeEd25519Signature,
  decodeOrgId,
  decodeUserId,
} from '../encoding/identifiers.ts';
import { MAX_EVENT_BYTES } from '../log/log-event.ts';
import { decodeCheckpointAnswer } from './log-routes.ts';
import { route } from './route.ts';
import { decodeCount, decodeHashList, decodeTime } from './shared-decoders.ts';

export const decodeCablePost = object({
  cable: decodeSealedCable,
  // The digests of the cable's attachments, uploaded first (PUT /attachments/:digest).
  attachments: optional(array(decodeDigest, { max: MAX_ATTACHMENTS })),
});

export const decodeReceipt = object({
  cable: decodeCableId,
  reference: string({ min: 1, max: 20 }),
  hash: decodeDigest,
  acceptedAt: decodeTime,
  signature: decodeEd25519Signature,
});
export type Receipt = Infer<typeof decodeReceipt>;
export const decodeReceiptAnswer = object({ receipt: decodeReceipt });

export const decodeCableAnswer = object({ cable: decodeSealedCable });

/** The header arrives either as the canonical JSON value or as its canonical text. */
export const decodeSignedHeader: Decoder<CableHeader> = (value, field) =>
  decodeCableHeader(
    typeof value === 'string' ? parseCanonical(value, { maxBytes: 2 * 1024 * 1024 }) : value,
    field,
  );

/** How a cable reaches a device: as an addressee, as its sender, or as the org's registry. */
export const INBOX_ROLES = ['action', 'info', 'sender', 'registry'] as const;
export type InboxRole = (typeof INBOX_ROLES)[number];

export const decodeInboxItem = object({
  id: decodeCableId,
  reference: string({ min: 1, max: 20 }),
  header: decodeSignedHeader,
  signature: decodeEd25519Signature,
  acknowledged: boolean(),
  /** How many addressee organisations acknowledged the cable. */
  acks: optional(integer({ min: 0, max: 1000 })),
  role: enumOf(INBOX_ROLES),
});
export type InboxItem = Infer<typeof decodeInboxItem>;
export const decodeInboxPage = object({
  items: array(decodeInboxItem, { max: 1000 }),
  next: optional(string({ min: 1, max: 512 })),
});

/** Most cables whose subjects one listing asks for (a page of the inbox). */
export const MAX_LISTED = 100;

/** Listing subjects: the ids of inbox cables whose sealed summaries the device asks for. */
export const decodeSummariesPost = object({
  ids: array(decodeCableId, { min: 1, max: MAX_LISTED, unique: true }),
});
/** A format-4 cable's sealed summary with the asking device's wrap of its content key. */
export const decodeListedSummary = object({
  id: decodeCableId,
  summary: bytes({ min: 1, max: MAX_SUMMARY_BYTES }),
  wrap: decodeKeyWrap,
});
export type ListedSummaryItem = Infer<typeof decodeListedSummary>;
export const decodeSummariesAnswer = object({ items: array(decodeListedSummary, { max: MAX_LISTED }) });

/** An acknowledgement's body: nothing, or `{}`. */
export const decodeAckPost = object({});
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

export const decodeEscalationLimit = object({
  amount: integer({ min: 1, max: 43_200 }),
  unit: enumOf(LIMIT_UNITS),
});

/** One addressee on the sender's delivery board (docs/design.md §2). */
export const decodeAckStatus = object({
  org: decodeOrgId,
  role: enumOf(ADDRESSEE_ROLES),
  acknowledged: boolean(),
  by: optional(decodeAckBy),
  at: optional(decodeTime),
  /** The first fetch of the cable by a device of the organisation. */
  delivered: optional(object({ at: decodeTime, device: decodeDeviceId })),
  /** An action addressee of an escalating cable: when its acknowledgement is due. */
  due: optional(decodeTime),
  /** Not acknowledged, and past its due time by the server's clock (action addressees only). */
  overdue: boolean(),
  /** When the node recorded it overdue and told its registry and the sender (`cable.overdue`). */
  escalated: optional(decodeTime),
});
export type AckStatus = Infer<typeof decodeAckStatus>;
export const decodeAckList = object({
  items: array(decodeAckStatus, { max: 1000 }),
  precedence: enumOf(PRECEDENCES),
  /** The network's limit for the cable's precedence; absent when it never escalates. */
  limit: optional(decodeEscalationLimit),
  /** The server's clock when it answered. */
  now: decodeTime,
  /**
   * The newest checkpoint, and the log events the board rests on (each delivery's
   * `cable.fetched`, each `cable.acknowledged`, each `cable.overdue`) with their inclusion
   * proofs in it: the client believes the board only as far as they prove it.
   */
  checkpoint: decodeCheckpointAnswer,
  events: array(
    object({ leaf: decodeCount, event: string({ min: 1, max: MAX_EVENT_BYTES }), proof: decodeHashList }),
    { max: 3000 },
  ),
});
export type AckBoard = Infer<typeof decodeAckList>;

export const decodeAttachmentStored = object({ digest: decodeDigest });

export const CABLE_ROUTES = {
  sendCable: route({
    method: 'POST',
    path: '/api/v1/cables',
    auth: 'device',
    body: decodeCablePost,
    answer: decodeReceiptAnswer,
  }),
  inbox: route({
    method: 'GET',
    path: '/api/v1/inbox',
    auth: 'device',
    body: 'none',
    answer: decodeInboxPage,
  }),
  inboxSummaries: route({
    method: 'POST',
    path: '/api/v1/inbox/summaries',
    auth: 'device',
    body: decodeSummariesPost,
    answer: decodeSummariesAnswer,
  }),
  inboxStream: route({
    method: 'GET',
    path: '/api/v1/inbox/stream',
    auth: 'device',
    body: 'none',
    answer: 'bytes',
  }),
  cable: route({
    method: 'GET',
    path: '/api/v1/cables/:id',
    auth: 'device',
    body: 'none',
    answer: decodeCableAnswer,
  }),
  acknowledge: route({
    method: 'POST',
    path: '/api/v1/cables/:id/ack',
    auth: 'device',
    body: decodeAckPost,
    answer: decodeAckAnswer,
  }),
  acks: route({
    method: 'GET',
    path: '/api/v1/cables/:id/acks',
    auth: 'device',
    body: 'none',
    answer: decodeAckList,
  }),
  uploadAttachment: route({
    method: 'PUT',
    path: '/api/v1/attachments/:digest',
    auth: 'device',
    body: 'bytes',
    answer: decodeAttachmentStored,
  }),
  attachment: route({
    method: 'GET',
    path: '/api/v1/cables/:id/attachments/:digest',
    auth: 'device',
    body: 'none',
    answer: 'bytes',
  }),
} as const;
