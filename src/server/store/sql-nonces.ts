/**
 * The nonces aggregate: a request nonce is taken once per signing key until it expires
 * (core/wire NonceStore semantics). Nonces live in the database, so every app process over
 * one PostgreSQL refuses a replay any of them has seen. Expired ones are swept at most
 * every `NONCE_SWEEP_SECONDS`.
 *
 * Every signed request takes a nonce, so taking them is group-committed (group-commit.ts):
 * the nonces of requests that arrive together are written in one durable transaction, each
 * insert in the order asked (a nonce twice in one batch is taken by the first only), and a
 * caller hears its answer only after that transaction committed. A batch that fails as a
 * whole is run again one nonce per transaction, so each caller gets its own answer or error.
 * A signed request's nonce is taken by the watch instead (sql-watch.ts), with `takeIn`, in
 * the transaction that observes the request: one commit for both.
 */
import { GroupCommit } from './group-commit.ts';
import type { StoreContext, Trx } from './store-context.ts';

const NONCE_SWEEP_SECONDS = 30;
/** Most nonces one group commit takes. */
const NONCE_BATCH = 256;

export interface Take {
  readonly keyId: string;
  readonly nonce: string;
  readonly expiresAt: number;
  readonly now: number;
}

type Settled =
  | { readonly ok: true; readonly taken: boolean }
  | { readonly ok: false; readonly error: unknown };

export class SqlNonces {
  readonly #ctx: StoreContext;
  readonly #batches: GroupCommit<Take, Settled>;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
    this.#batches = new GroupCommit((batch) => this.#takeBatch(batch), NONCE_BATCH);
  }

  async consume(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    await this.sweep(now);
    const settled = await this.#batches.submit({ keyId, nonce, expiresAt, now });
    if (!settled.ok) throw settled.error;
    return settled.taken;
  }

  /** Removes expired nonces, at most every NONCE_SWEEP_SECONDS (also before a signed request's watch batch). */
  async sweep(now: number): Promise<void> {
    if (now - this.#lastSweep < NONCE_SWEEP_SECONDS) return;
    this.#lastSweep = now;
    await this.#ctx.write((trx) => trx.deleteFrom('nonces').where('expires_at', '<', now).execute());
  }

  async #takeBatch(batch: readonly Take[]): Promise<readonly Settled[]> {
    if (batch.length > 1) {
      try {
        const taken = await this.#ctx.write(async (trx) => {
          const out: boolean[] = [];
          for (const take of batch) out.push(await takeIn(trx, take));
          return out;
        });
        return taken.map((t) => ({ ok: true, taken: t }));
      } catch {
        // Nothing of the batch committed; each nonce is taken again on its own below.
      }
    }
    const settled: Settled[] = [];
    for (const take of batch) {
      try {
        settled.push({ ok: true, taken: await this.#ctx.write((trx) => takeIn(trx, take)) });
      } catch (error) {
        settled.push({ ok: false, error });
      }
    }
    return settled;
  }
}

/** Inserts the nonce, or takes over an expired entry; a live entry makes this a no-op (0 rows). */
export async function takeIn(trx: Trx, { keyId, nonce, expiresAt, now }: Take): Promise<boolean> {
  const result = await trx
    .insertInto('nonces')
    .values({ key_id: keyId, nonce, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'nonce'])
        .doUpdateSet({ expires_at: expiresAt })
        .where('nonces.expires_at', '<', now),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
