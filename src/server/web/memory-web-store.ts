/**
 * A WebStore in memory, per app instance: for apps built without a database handle for the
 * web tables (the API tests). Sessions die with the process.
 */
import { toBase64url } from '../../core/encoding/bytes.ts';
import type { ChallengeRecord, PasskeyRecord, SessionRecord, WebStore } from './web-store.ts';

export class MemoryWebStore implements WebStore {
  readonly #challenges = new Map<string, ChallengeRecord>();
  readonly #passkeys = new Map<string, PasskeyRecord>();
  readonly #sessions = new Map<string, SessionRecord>();

  async addChallenge(challenge: ChallengeRecord): Promise<void> {
    this.#challenges.set(challenge.challenge, challenge);
  }

  async takeChallenge(challenge: string): Promise<ChallengeRecord | undefined> {
    const found = this.#challenges.get(challenge);
    this.#challenges.delete(challenge);
    return found;
  }

  async addPasskey(passkey: PasskeyRecord): Promise<boolean> {
    if (this.#passkeys.has(passkey.credentialId)) return false;
    if ([...this.#passkeys.values()].some((p) => p.device === passkey.device)) return false;
    this.#passkeys.set(passkey.credentialId, passkey);
    return true;
  }

  async removePasskey(credentialId: string): Promise<void> {
    this.#passkeys.delete(credentialId);
  }

  async passkeyOfDevice(device: string): Promise<PasskeyRecord | undefined> {
    return [...this.#passkeys.values()].find((p) => p.device === device);
  }

  async advanceCounter(credentialId: string, counter: number): Promise<boolean> {
    const passkey = this.#passkeys.get(credentialId);
    if (!passkey) return false;
    // WebAuthn §6.1.1: an authenticator without a counter always answers 0.
    if (counter === 0 && passkey.counter === 0) return true;
    if (counter <= passkey.counter) return false;
    this.#passkeys.set(credentialId, { ...passkey, counter });
    return true;
  }

  async addSession(session: SessionRecord): Promise<void> {
    this.#sessions.set(toBase64url(session.idHash), session);
  }

  async session(idHash: Uint8Array): Promise<SessionRecord | undefined> {
    return this.#sessions.get(toBase64url(idHash));
  }

  async touchSession(idHash: Uint8Array, at: number): Promise<void> {
    this.#update(idHash, (s) => ({ ...s, lastSeenAt: at }));
  }

  async stepUp(idHash: Uint8Array, at: number): Promise<void> {
    this.#update(idHash, (s) => ({ ...s, steppedUpAt: at, lastSeenAt: at }));
  }

  async endSession(idHash: Uint8Array, at: number): Promise<void> {
    this.#update(idHash, (s) => (s.endedAt === undefined ? { ...s, endedAt: at } : s));
  }

  async endDeviceSessions(device: string, at: number): Promise<void> {
    for (const [key, s] of this.#sessions) {
      if (s.device === device && s.endedAt === undefined) this.#sessions.set(key, { ...s, endedAt: at });
    }
  }

  async close(): Promise<void> {}

  #update(idHash: Uint8Array, change: (s: SessionRecord) => SessionRecord): void {
    const key = toBase64url(idHash);
    const found = this.#sessions.get(key);
    if (found) this.#sessions.set(key, change(found));
  }
}
