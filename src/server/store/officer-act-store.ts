/**
 * What the two-person rule keeps (docs/design.md §5, "Officer acts"), as one aggregate of
 * the store: an officer act posted from a command-line device is held here, exactly as it
 * was signed, until a second security officer confirms or refuses it. A held act is never
 * updated: its decision is a row of its own, keyed by the act, so one act has at most one
 * decision (a second, racing confirmer loses on the key). The confirming decision is written
 * in the same transaction as the act it applies (sql-directory.ts, sql-enrolments.ts), so an
 * act is never applied without its decision, nor decided `confirmed` without being applied.
 */

import type { AuditRecord } from './store.ts';

/** What a held act carries: an invitation (POST /invitations) or a directory entry (POST /directory). */
export const HELD_ACT_KINDS = ['invitation', 'entry'] as const;
export type HeldActKind = (typeof HELD_ACT_KINDS)[number];

export const ACT_OUTCOMES = ['confirmed', 'refused'] as const;
export type ActOutcome = (typeof ACT_OUTCOMES)[number];

export interface HeldActRecord {
  /** 16 random bytes, base64url, chosen by the server. */
  readonly id: string;
  readonly org: string;
  readonly kind: HeldActKind;
  /** The officer's device that posted it, and its user. */
  readonly device: string;
  readonly user: string;
  /** The user the act is about (invited, certified, whose device is approved or revoked). */
  readonly subject: string;
  /** The route's body as posted, canonical JSON: the signed entry or the invitation. */
  readonly body: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface ActDecisionRecord {
  readonly act: string;
  readonly outcome: ActOutcome;
  /** The second officer's device and user. */
  readonly device: string;
  readonly user: string;
  readonly reason?: string;
  readonly at: number;
}

export interface StoredHeldAct {
  readonly act: HeldActRecord;
  readonly decision?: ActDecisionRecord;
}

export interface OfficerActStore {
  /** Stores the act with its `officer-act.held` event. */
  hold(act: HeldActRecord, audit: AuditRecord): Promise<void>;
  act(id: string): Promise<StoredHeldAct | undefined>;
  /** The organisation's undecided acts that have not expired at `now`, oldest first. */
  pending(org: string, now: number): Promise<HeldActRecord[]>;
  /** Records a refusal with its event; false when the act was decided already. */
  refuse(decision: ActDecisionRecord, audit: AuditRecord): Promise<boolean>;
}
