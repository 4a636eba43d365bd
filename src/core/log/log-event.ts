/**
 * The audit event, in one place: its closed list of types, its schema, the encoder the
 * server writes with and the decoder every client reads with (docs/api.md, "Audit events";
 * docs/design.md §8). A leaf of the audit log is exactly the canonical JSON of one event
 * `{ at, type, actor: { org?, user?, device? }, object: { kind, id, org? }, detail }`
 * (RFC 9162 §2.1.1: the leaf hashed is those bytes), so a client decodes what it hashed.
 *
 * The encoder runs the decoder on what it made before handing the bytes out: the server
 * cannot write an event a client would refuse, because a refused event reads to a client
 * exactly like a tampered one (LOG_PROOF_INVALID). Events never carry bodies, signatures,
 * secrets or text a caller chose: ids, codes, counts and hashes only.
 */
import { encodeCanonical, type JsonValue } from '../encoding/canonical-json.ts';
import {
  type Decoder,
  decodeCanonical,
  enumOf,
  type Infer,
  integer,
  object,
  optional,
  string,
} from '../encoding/decode.ts';
import { EncodingError } from '../encoding/encoding-error.ts';

/** The acts of the API proper. */
export const API_EVENT_TYPES = [
  'directory.entry',
  'invitation.created',
  'enrolment.requested',
  'request.refused',
  'cable.accepted',
  'cable.fetched',
  'cable.listed',
  'cable.acknowledged',
  'attachment.fetched',
  'log.alert',
  'officer-act.held',
  'officer-act.confirmed',
  'officer-act.refused',
] as const;

/** Browser sign-in (server/web): passkeys and sessions. */
export const SESSION_EVENT_TYPES = [
  'passkey.registered',
  'session.started',
  'session.stepped-up',
  'session.ended',
  'session.refused',
] as const;

/**
 * The watch (server/watch): its alerts, holds and suspensions, and officers' acts on them
 * (releases, thresholds, canaries planted, working hours).
 */
export const WATCH_EVENT_TYPES = [
  'watch.alert',
  'watch.held',
  'watch.suspended',
  'watch.released',
  'watch.thresholds',
  'watch.canary',
  'watch.hours',
] as const;

/** Attachments (server/routes/attachments.ts): each upload, and each unlinked blob the sweep removes. */
export const ATTACHMENT_EVENT_TYPES = ['attachment.uploaded', 'attachment.expired'] as const;
/** The watch's events a passkey touch raises (exercised in Chromium, test/e2e). */
export const WATCH_PASSKEY_EVENT_TYPES = ['watch.stepped-up'] as const;
/**
 * The network's configuration and the silence procedure (docs/design.md §2): the Presidency
 * act the network authority signed, and the server's verdict at a procedure's deadline.
 */
export const PROCEDURE_EVENT_TYPES = ['network.presidency', 'silence.outcome'] as const;

/**
 * Escalation by precedence (docs/design.md §2): an action addressee that did not acknowledge
 * within its precedence's limit, recorded once per cable and addressee by the node.
 */
export const DELIVERY_EVENT_TYPES = ['cable.overdue'] as const;

export const AUDIT_EVENT_TYPES = [
  ...API_EVENT_TYPES,
  ...SESSION_EVENT_TYPES,
  ...WATCH_EVENT_TYPES,
  ...ATTACHMENT_EVENT_TYPES,
  ...WATCH_PASSKEY_EVENT_TYPES,
  ...PROCEDURE_EVENT_TYPES,
  ...DELIVERY_EVENT_TYPES,
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Largest event accepted (events hold ids, codes and hashes: a few hundred bytes). */
export const MAX_EVENT_BYTES = 16 * 1024;

/** The bounds of the event's names; the server's writers keep within them. */
export const EVENT_LIMITS = { org: 16, user: 64, device: 64, kind: 32, id: 128 } as const;

const text = (max: number) => string({ min: 1, max });

/** Any JSON object: the event's detail, whose fields depend on its type. */
const decodeDetail: Decoder<{ readonly [key: string]: JsonValue }> = (value, field) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EncodingError('WRONG_TYPE', field, `${field}: expected an object`);
  }
  // The value came out of the canonical parser: every member is JSON already.
  return value as { readonly [key: string]: JsonValue };
};

export const decodeLogEvent = object({
  at: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  type: enumOf(AUDIT_EVENT_TYPES),
  actor: object({
    org: optional(text(EVENT_LIMITS.org)),
    user: optional(text(EVENT_LIMITS.user)),
    device: optional(text(EVENT_LIMITS.device)),
  }),
  object: object({
    kind: text(EVENT_LIMITS.kind),
    id: text(EVENT_LIMITS.id),
    org: optional(text(EVENT_LIMITS.org)),
  }),
  detail: decodeDetail,
});
export type LogEvent = Infer<typeof decodeLogEvent>;

/** Decodes a leaf's bytes; throws EncodingError when they are not a canonical event. */
export function parseLogEvent(bytes: Uint8Array | string): LogEvent {
  return decodeCanonical(bytes, decodeLogEvent, { maxBytes: MAX_EVENT_BYTES, maxDepth: 8 });
}

/** An event to write: absent (undefined) actor and object fields are left out. */
export interface LogEventInput {
  readonly at: number;
  readonly type: AuditEventType;
  readonly actor: {
    readonly org?: string | undefined;
    readonly user?: string | undefined;
    readonly device?: string | undefined;
  };
  readonly object: { readonly kind: string; readonly id: string; readonly org?: string | undefined };
  readonly detail: { readonly [key: string]: JsonValue };
}

/**
 * The canonical bytes of `event`, the leaf the log stores. Throws EncodingError, naming the
 * field, for an event the decoder would refuse: nothing unreadable is ever written.
 */
export function encodeLogEvent(event: LogEventInput): Uint8Array {
  const present = (fields: { readonly [key: string]: string | undefined }) =>
    Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
      [key: string]: string;
    };
  const bytes = encodeCanonical({
    at: event.at,
    type: event.type,
    actor: present({ org: event.actor.org, user: event.actor.user, device: event.actor.device }),
    object: present({ kind: event.object.kind, id: event.object.id, org: event.object.org }),
    detail: event.detail,
  });
  parseLogEvent(bytes);
  return bytes;
}
