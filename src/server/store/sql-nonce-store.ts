/**
 * The NonceStore of core/wire over the server's store: nonces live in the database, so
 * every app process behind one PostgreSQL refuses a replay any of them has seen.
 */
import type { NonceStore } from '../../core/wire/nonce-store.ts';
import type { Clock } from '../clock.ts';
import { unixSeconds } from '../clock.ts';
import type { Store } from './store.ts';

export class SqlNonceStore implements NonceStore {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  consume(keyId: string, nonce: string, expiresAt: number): Promise<boolean> {
    return this.#store.consumeNonce(keyId, nonce, expiresAt, unixSeconds(this.#clock));
  }
}
