/**
 * The nonces aggregate: a request nonce is taken once per signing key until it expires
 * (core/wire NonceStore semantics). Nonces live in the database, so every app process over
 * one PostgreSQL refuses a replay any of them has seen. Expired ones are swept at most
 * every `NONCE_SWEEP_SECONDS`.
 */
import type { StoreContext } from './store-context.ts';

const NONCE_SWEEP_SECONDS = 30;

export class SqlNonces {
  readonly #ctx: StoreContext;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  async consume(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    if (now - this.#lastSweep >= NONCE_SWEEP_SECONDS) {
      this.#lastSweep = now;
      await this.#ctx.write((trx) => trx.deleteFrom('nonces').where('expires_at', '<', now).execute());
    }
    // Insert, or take over an expired entry; a live entry makes this a no-op (0 rows).
    const result = await this.#ctx.write((trx) =>
      trx
        .insertInto('nonces')
        .values({ key_id: keyId, nonce, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(['key_id', 'nonce'])
            .doUpdateSet({ expires_at: expiresAt })
            .where('nonces.expires_at', '<', now),
        )
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
}
