/**
 * Audit events (docs/api.md, "Audit events"; DESIGN §8): one canonical record per security
 * act, written in the same transaction as the act. The record stored is the canonical JSON
 * of `{ at, type, actor, object, detail }`; its `seq` is the row's key, assigned by the
 * database at commit, and is prefixed when the event is served. The canonical bytes are the
 * event's leaf in the Merkle log (DESIGN §8), appended in the same transaction.
 * Events never carry bodies, signatures or secrets: ids, codes and hashes only.
 *
 * `object.org` names the organisation the object belongs to (a cable's sender, an entry's
 * organisation), so a security officer sees the events about their organisation's things
 * as well as those by their people.
 */
import { encodeCanonical, type JsonValue, parseCanonical } from '../core/encoding/canonical-json.ts';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import { DIRECTORY_EVENT_TYPE, directoryEntryHash } from '../core/log/directory-leaf.ts';
import type { AuditRecord, DirectoryRow } from './store/store.ts';

export const AUDIT_EVENT_TYPES = [
  'directory.entry',
  'invitation.created',
  'enrolment.requested',
  'request.refused',
  'cable.accepted',
  'cable.fetched',
  'cable.acknowledged',
  'attachment.fetched',
  'log.alert',
  'watch.alert',
  'watch.held',
  'watch.suspended',
  'watch.released',
  'watch.thresholds',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export interface AuditActor {
  readonly org?: string;
  readonly user?: string;
  readonly device?: string;
}

export interface AuditEvent {
  /** Unix seconds. */
  readonly at: number;
  readonly type: AuditEventType;
  readonly actor: AuditActor;
  readonly object: { readonly kind: string; readonly id: string; readonly org?: string };
  readonly detail: { readonly [key: string]: JsonValue };
}

export function auditRecord(event: AuditEvent): AuditRecord {
  const actor: Record<string, string> = {};
  if (event.actor.org !== undefined) actor.org = event.actor.org;
  if (event.actor.user !== undefined) actor.user = event.actor.user;
  if (event.actor.device !== undefined) actor.device = event.actor.device;
  return {
    at: event.at,
    type: event.type,
    event: encodeCanonical({
      at: event.at,
      type: event.type,
      actor,
      object: {
        kind: event.object.kind,
        id: event.object.id,
        ...(event.object.org !== undefined ? { org: event.object.org } : {}),
      },
      detail: event.detail,
    }),
  };
}

/**
 * The `directory.entry` event of a stored entry (key transparency, DESIGN §8): its detail
 * carries the entry's index and the SHA-256 of its canonical bytes, so proving the event is
 * in the log proves the entry is, exactly, at that index.
 */
export function directoryEntryAudit(options: {
  readonly at: number;
  readonly actor: AuditActor;
  readonly row: DirectoryRow;
  /** What happened: `issued`, `revoked`, or how the entry came in (`seeded`, `logged`). */
  readonly action: string;
  /** The object's kind; default the row's kind. */
  readonly kind?: string;
}): AuditRecord {
  const { row } = options;
  return auditRecord({
    at: options.at,
    type: DIRECTORY_EVENT_TYPE,
    actor: options.actor,
    object: { kind: options.kind ?? row.kind, id: row.subject, org: row.org },
    detail: { index: row.index, action: options.action, org: row.org, hash: directoryEntryHash(row.entry) },
  });
}

/** The organisations an event is indexed under: its actor's, and its object's. */
export function auditOrgs(event: Uint8Array): { actorOrg: string | null; objectOrg: string | null } {
  let value: JsonValue;
  try {
    value = parseCanonical(event, { maxBytes: 1024 * 1024, maxDepth: 16 });
  } catch {
    return { actorOrg: null, objectOrg: null };
  }
  const field = (record: JsonValue | undefined, key: string): JsonValue | undefined =>
    typeof record === 'object' && record !== null && !Array.isArray(record)
      ? (record as { readonly [k: string]: JsonValue })[key]
      : undefined;
  const text = (v: JsonValue | undefined) => (typeof v === 'string' ? v : null);
  const objectOrg =
    text(field(field(value, 'object'), 'org')) ??
    // Events written before `object.org` existed name the organisation in their detail.
    text(field(field(value, 'detail'), 'org'));
  return { actorOrg: text(field(field(value, 'actor'), 'org')), objectOrg };
}

/** The actor fields of an authenticated device. */
export function actorOf(actor: DirectoryDevice | undefined): AuditActor {
  return actor ? { org: actor.org.org, user: actor.user.user, device: actor.device.device } : {};
}
