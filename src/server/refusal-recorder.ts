/**
 * Writes `request.refused` audit events for requests whose signature or device was refused
 * (docs/api.md), committed even though the request itself fails. Refusals cost the sender
 * nothing, so to keep a flood from filling the disk the events are rate limited per claimed
 * device (unknown key ids share one bucket); refusals over the limit are counted and the
 * next event written for that key says how many were folded into it.
 */

import { type AuditActor, auditRecord } from './audit-event.ts';
import type { Clock } from './clock.ts';
import { unixSeconds } from './clock.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { Store } from './store/store.ts';

export interface Refusal {
  readonly code: string;
  readonly method: string;
  /** The route pattern (`/api/v1/cables/:id`), never the raw target. */
  readonly route: string;
  readonly actor: AuditActor;
  /** The key id the request claimed, when it got that far. */
  readonly keyId?: string;
  /** What was asked for, when the route names it (`{ cable: id }`). */
  readonly about?: { readonly [key: string]: string };
}

const MAX_TRACKED = 10_000;

export class RefusalRecorder {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #limiter: RateLimiter;
  readonly #suppressed = new Map<string, number>();

  constructor(store: Store, clock: Clock, limiter: RateLimiter) {
    this.#store = store;
    this.#clock = clock;
    this.#limiter = limiter;
  }

  async record(refusal: Refusal): Promise<void> {
    const key = refusal.actor.device ?? 'anonymous';
    if (!this.#limiter.take(key, this.#clock.now())) {
      if (this.#suppressed.size < MAX_TRACKED || this.#suppressed.has(key)) {
        this.#suppressed.set(key, (this.#suppressed.get(key) ?? 0) + 1);
      }
      return;
    }
    const folded = this.#suppressed.get(key) ?? 0;
    this.#suppressed.delete(key);
    await this.#store.appendAudit(
      auditRecord({
        at: unixSeconds(this.#clock),
        type: 'request.refused',
        actor: refusal.actor,
        object: { kind: 'request', id: `${refusal.method} ${refusal.route}` },
        detail: {
          code: refusal.code,
          ...(refusal.about ?? {}),
          ...(refusal.keyId !== undefined && refusal.actor.device === undefined
            ? { keyId: refusal.keyId }
            : {}),
          ...(folded > 0 ? { suppressed: folded } : {}),
        },
      }),
    );
  }
}
