/**
 * Audit records (docs/api.md, "Audit events"; docs/design.md §8): one event per security
 * act, written in the same transaction as the act. The event's schema, encoder and decoder
 * are core's (core/log/log-event.ts); this file turns an event into the stored record (its
 * `seq` is the row's key, assigned by the database at commit) and builds the events the
 * server writes in several places. The canonical bytes are the event's leaf in the Merkle
 * log, appended in the same transaction.
 *
 * `object.org` names the organisation the object belongs to (a cable's sender, an entry's
 * organisation), so a security officer sees the events about their organisation's things
 * as well as those by their people.
 */
import type { DirectoryDevice } from '../core/identity/directory.ts';
import { DIRECTORY_EVENT_TYPE, directoryEntryHash } from '../core/log/directory-leaf.ts';
import { encodeLogEvent, type LogEventInput, parseLogEvent } from '../core/log/log-event.ts';
import type { AuditRecord, DirectoryRow } from './store/store.ts';

export type AuditActor = LogEventInput['actor'];
export type AuditEvent = LogEventInput;

/** The stored record of `event`: its canonical bytes (core/log/log-event.ts) and index columns. */
export function auditRecord(event: AuditEvent): AuditRecord {
  return { at: event.at, type: event.type, event: encodeLogEvent(event) };
}

/**
 * The `directory.entry` event of a stored entry (key transparency, docs/design.md §8): its detail
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
  let decoded: ReturnType<typeof parseLogEvent>;
  try {
    decoded = parseLogEvent(event);
  } catch {
    return { actorOrg: null, objectOrg: null };
  }
  const org = decoded.detail.org;
  return {
    actorOrg: decoded.actor.org ?? null,
    // Events written before `object.org` existed name the organisation in their detail.
    objectOrg: decoded.object.org ?? (typeof org === 'string' ? org : null),
  };
}

/** The actor fields of an authenticated device. */
export function actorOf(actor: DirectoryDevice | undefined): AuditActor {
  return actor ? { org: actor.org.org, user: actor.user.user, device: actor.device.device } : {};
}
