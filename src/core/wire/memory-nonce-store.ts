/**
 * A NonceStore in memory, for one process (tests, a single node, the CLI's dev server).
 * It is bounded: expired entries are swept out (at most once per sweep interval, and
 * whenever the store is full), and when it is full of live entries it refuses new nonces
 * rather than forgetting live ones, since forgetting one would let its request be replayed.
 */
import type { NonceStore } from './nonce-store.ts';

export interface MemoryNonceStoreOptions {
  /** The current time in unix seconds (injected; tests pass a fixed clock). */
  readonly now: () => number;
  /** Most entries held at once; default 100 000. */
  readonly capacity?: number;
  /** Least time between two routine sweeps of expired entries; default 1 second. */
  readonly sweepIntervalSeconds?: number;
}

export class MemoryNonceStore implements NonceStore {
  readonly #now: () => number;
  readonly #capacity: number;
  readonly #sweepInterval: number;
  /** `keyId \n nonce` → expiresAt. Neither part can hold a line feed (both are sf-strings). */
  readonly #entries = new Map<string, number>();
  /** A lower bound of the entries' expiry times: no sweep can free anything before it. */
  #earliest = Number.POSITIVE_INFINITY;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryNonceStoreOptions) {
    // A store without a usable clock refuses every nonce (fail closed) rather than throwing.
    const {
      now,
      capacity = 100_000,
      sweepIntervalSeconds = 1,
    } = options ?? ({} as Partial<MemoryNonceStoreOptions>);
    this.#now = typeof now === 'function' ? now : () => Number.NaN;
    this.#capacity = Number.isSafeInteger(capacity) && capacity > 0 ? capacity : 100_000;
    this.#sweepInterval =
      Number.isFinite(sweepIntervalSeconds) && sweepIntervalSeconds >= 0 ? sweepIntervalSeconds : 1;
  }

  /** How many nonces are held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  async consume(keyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    if (
      typeof keyId !== 'string' ||
      typeof nonce !== 'string' ||
      keyId.includes('\n') ||
      nonce.includes('\n')
    ) {
      return false;
    }
    if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) return false;
    const now = this.#now();
    // Without a valid clock nothing can be known to have expired: fail closed.
    if (typeof now !== 'number' || !Number.isFinite(now)) return false;
    this.#sweep(now, false);
    const key = `${keyId}\n${nonce}`;
    const seenUntil = this.#entries.get(key);
    if (seenUntil !== undefined && seenUntil >= now) return false;
    if (seenUntil === undefined && this.#entries.size >= this.#capacity) {
      this.#sweep(now, true);
      if (this.#entries.size >= this.#capacity) return false;
    }
    this.#entries.set(key, expiresAt);
    if (expiresAt < this.#earliest) this.#earliest = expiresAt;
    return true;
  }

  #sweep(now: number, force: boolean): void {
    if (now <= this.#earliest) return;
    if (!force && now - this.#lastSweep < this.#sweepInterval) return;
    this.#lastSweep = now;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt < now) this.#entries.delete(key);
      else if (expiresAt < earliest) earliest = expiresAt;
    }
    this.#earliest = earliest;
  }
}
