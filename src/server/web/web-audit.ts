/**
 * Audit records of browser sign-in (DESIGN §8: sign-in and step-up are security events), in
 * the canonical form of `server/audit-event.ts` (`{ at, type, actor, object, detail }`). Their
 * types are the web layer's own; ids and codes only, never a session id or an assertion.
 */
import { encodeCanonical, type JsonValue } from '../../core/encoding/canonical-json.ts';
import type { AuditActor } from '../audit-event.ts';
import type { AuditRecord } from '../store/store.ts';

export const WEB_AUDIT_TYPES = [
  'passkey.registered',
  'session.started',
  'session.stepped-up',
  'session.ended',
  'session.refused',
] as const;
export type WebAuditType = (typeof WEB_AUDIT_TYPES)[number];

export function webAuditRecord(event: {
  readonly at: number;
  readonly type: WebAuditType;
  readonly actor: AuditActor;
  readonly object: { readonly kind: string; readonly id: string };
  readonly detail: { readonly [key: string]: JsonValue };
}): AuditRecord {
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
      object: event.object,
      detail: event.detail,
    }),
  };
}
