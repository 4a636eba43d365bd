/**
 * What the browser sign-in keeps (docs/design.md §5): the passkey each browser device enrolled with,
 * live sessions, and outstanding WebAuthn challenges. It is an aggregate of the server's
 * store (`store.web`), on the store's one database handle, so a passkey enrolment, a
 * sign-in, a step-up or a sign-out commits with its audit leaf in one transaction.
 *
 * A session is looked up by the SHA-256 of its id: the store, its backups and its operator
 * never hold a usable session id.
 */
import type { AuditRecord, EnrolmentRecord, RedeemOutcome } from './store.ts';

export interface PasskeyRecord {
  /** WebAuthn credential id, base64url. */
  readonly credentialId: string;
  readonly device: string;
  readonly org: string;
  readonly user: string;
  /** COSE public key. */
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly deviceType: 'singleDevice' | 'multiDevice';
  readonly backedUp: boolean;
  readonly transports: readonly string[];
  readonly createdAt: number;
}

export interface SessionRecord {
  readonly idHash: Uint8Array;
  readonly device: string;
  readonly org: string;
  readonly user: string;
  readonly credentialId: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Absolute end, Unix seconds. */
  readonly expiresAt: number;
  readonly steppedUpAt: number | undefined;
  readonly endedAt: number | undefined;
}

export const CHALLENGE_PURPOSES = ['enrol', 'sign-in', 'step-up', 'watch-step-up'] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

export interface ChallengeRecord {
  /** The challenge as sent, base64url. */
  readonly challenge: string;
  readonly purpose: ChallengePurpose;
  /** The invitation (enrol) or device (sign-in, step-up) it was issued to. */
  readonly subject: string;
  readonly expiresAt: number;
}

/** A browser enrolment's outcome: `passkey-exists` when the credential or device has one. */
export type BrowserEnrolOutcome = RedeemOutcome | 'passkey-exists';

export interface WebStore {
  addChallenge(challenge: ChallengeRecord): Promise<void>;
  /** Removes and returns the challenge: each one is used at most once, even when it fails. */
  takeChallenge(challenge: string): Promise<ChallengeRecord | undefined>;

  /**
   * Keeps the passkey and redeems the invitation as a pending enrolment, with `audits` (the
   * enrolment's event, then the passkey's), in one transaction; writes nothing unless the
   * outcome is `redeemed`.
   */
  enrolBrowser(
    passkey: PasskeyRecord,
    enrolment: EnrolmentRecord,
    audits: readonly AuditRecord[],
  ): Promise<BrowserEnrolOutcome>;
  passkeyOfDevice(device: string): Promise<PasskeyRecord | undefined>;
  /** Raises the signature counter; false when it did not grow (a cloned authenticator). */
  advanceCounter(credentialId: string, counter: number): Promise<boolean>;

  /** Opens `session` with its event, ending the session `replaces` (if live), in one transaction. */
  startSession(session: SessionRecord, audit: AuditRecord, replaces?: Uint8Array): Promise<void>;
  session(idHash: Uint8Array): Promise<SessionRecord | undefined>;
  touchSession(idHash: Uint8Array, at: number): Promise<void>;
  /** Records a fresh assertion on the session, with its event, in one transaction. */
  stepUp(idHash: Uint8Array, at: number, audit: AuditRecord): Promise<void>;
  /** Ends the session if live; with its event when it is an act (sign-out), in one transaction. */
  endSession(idHash: Uint8Array, at: number, audit?: AuditRecord): Promise<void>;
  /** Ends every live session of a device (revocation, suspension). */
  endDeviceSessions(device: string, at: number): Promise<void>;
}
