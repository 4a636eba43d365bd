/**
 * What the browser sign-in keeps (DESIGN §5): the passkey each browser device enrolled with,
 * live sessions, and outstanding WebAuthn challenges. One interface, two implementations:
 * `SqlWebStore` (the migration's tables, the server's database) and `MemoryWebStore` (an app
 * built without a database handle, as the API tests build it).
 *
 * A session is looked up by the SHA-256 of its id: the store, its backups and its operator
 * never hold a usable session id.
 */

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

export const CHALLENGE_PURPOSES = ['enrol', 'sign-in', 'step-up'] as const;
export type ChallengePurpose = (typeof CHALLENGE_PURPOSES)[number];

export interface ChallengeRecord {
  /** The challenge as sent, base64url. */
  readonly challenge: string;
  readonly purpose: ChallengePurpose;
  /** The invitation (enrol) or device (sign-in, step-up) it was issued to. */
  readonly subject: string;
  readonly expiresAt: number;
}

export interface WebStore {
  addChallenge(challenge: ChallengeRecord): Promise<void>;
  /** Removes and returns the challenge: each one is used at most once, even when it fails. */
  takeChallenge(challenge: string): Promise<ChallengeRecord | undefined>;

  /** False when the credential id or the device already has a passkey. */
  addPasskey(passkey: PasskeyRecord): Promise<boolean>;
  /** Removes a passkey whose enrolment could not be completed. */
  removePasskey(credentialId: string): Promise<void>;
  passkeyOfDevice(device: string): Promise<PasskeyRecord | undefined>;
  /** Raises the signature counter; false when it did not grow (a cloned authenticator). */
  advanceCounter(credentialId: string, counter: number): Promise<boolean>;

  addSession(session: SessionRecord): Promise<void>;
  session(idHash: Uint8Array): Promise<SessionRecord | undefined>;
  touchSession(idHash: Uint8Array, at: number): Promise<void>;
  stepUp(idHash: Uint8Array, at: number): Promise<void>;
  endSession(idHash: Uint8Array, at: number): Promise<void>;
  /** Ends every live session of a device (revocation, suspension). */
  endDeviceSessions(device: string, at: number): Promise<void>;
  close(): Promise<void>;
}
