/**
 * Audit events (docs/api.md, "Audit events"; DESIGN §8): one canonical record per security
 * act, written in the same transaction as the act. The record stored is the canonical JSON
 * of `{ at, type, actor, object, detail }`; its `seq` is the row's key, assigned by the
 * database at commit, and is prefixed when the event is served. (A later issue sequences
 * these records into a Merkle log; the canonical bytes are what its leaves will hash.)
 * Events never carry bodies, signatures or secrets: ids, codes and hashes only.
 */
import { encodeCanonical, type JsonValue } from '../core/canonical-json.ts';
import type { DirectoryDevice } from '../core/directory.ts';
import type { AuditRecord } from './store/store.ts';

export const AUDIT_EVENT_TYPES = [
  'directory.entry',
  'invitation.created',
  'enrolment.requested',
  'request.refused',
  'cable.accepted',
  'cable.fetched',
  'cable.acknowledged',
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
  readonly object: { readonly kind: string; readonly id: string };
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
      object: { kind: event.object.kind, id: event.object.id },
      detail: event.detail,
    }),
  };
}

/** The actor fields of an authenticated device. */
export function actorOf(actor: DirectoryDevice | undefined): AuditActor {
  return actor ? { org: actor.org.org, user: actor.user.user, device: actor.device.device } : {};
}
