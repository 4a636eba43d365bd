/**
 * Writes the audit events of refused requests (docs/api.md, "Audit events"), committed even
 * though the request itself fails. Refusals cost the sender nothing, so they are bounded:
 *
 * - a caller the server knows (a device in force, or one revoked or expired: its key id named
 *   a certificate) is recorded under a per-device token bucket; refusals over it are counted
 *   and the next event for that device says how many were folded into it (`suppressed`);
 * - a caller the server does not know (unsigned, or an unknown key) is recorded per source
 *   (refusal-source.ts) and window: one event per source and window, counting in `suppressed`
 *   the refusals folded since that source's previous event. Nothing the caller wrote is kept
 *   (no key id, no origin): the event holds the code, the route pattern and the source.
 *   A source also has a budget of refusals; `record` answers false once it is spent, and the
 *   route answers 429 instead of doing the work again.
 */

import { type AuditActor, auditRecord } from './audit-event.ts';
import type { Clock } from './clock.ts';
import { unixSeconds } from './clock.ts';
import { type RateLimit, type RateLimiter, TokenBucketRateLimiter } from './rate-limiter.ts';
import type { Store } from './store/store.ts';

export interface Refusal {
  /** `request.refused` by default; `session.refused` for a refused sign-in. */
  readonly type?: 'request.refused' | 'session.refused';
  readonly code: string;
  readonly method: string;
  /** The route pattern (`/api/v1/cables/:id`), never the raw target. */
  readonly route: string;
  readonly actor: AuditActor;
  /** The socket address the request came from (the key of unauthenticated refusals). */
  readonly source?: string;
  /** What was asked for, when the route names it (`{ cable: id }`). */
  readonly about?: { readonly [key: string]: string };
}

export interface RefusalLimits {
  /** Per unauthenticated source: refusals answered normally before 429. */
  readonly perSource: RateLimit;
  /** The window of unauthenticated events: one per source and window. */
  readonly windowSeconds: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = {
  perSource: { capacity: 20, refillPerSecond: 0.1 },
  windowSeconds: 60,
};

const MAX_TRACKED = 10_000;

export class RefusalRecorder {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #perDevice: RateLimiter;
  readonly #perSource: RateLimiter;
  readonly #windowSeconds: number;
  /** Per device: refusals over the budget since its last event. */
  readonly #suppressed = new Map<string, number>();
  /** Per unauthenticated source: the window of its last event and the refusals since. */
  readonly #sources = new Map<string, { window: number; folded: number }>();

  constructor(
    store: Store,
    clock: Clock,
    perDevice: RateLimiter,
    limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#perDevice = perDevice;
    this.#perSource = new TokenBucketRateLimiter(limits.perSource, MAX_TRACKED);
    this.#windowSeconds = limits.windowSeconds;
  }

  /** Records `refusal`; false when its unauthenticated source is over its budget (answer 429). */
  async record(refusal: Refusal): Promise<boolean> {
    if (refusal.actor.device === undefined) return this.#recordBySource(refusal);
    const key = refusal.actor.device;
    if (!this.#perDevice.take(key, this.#clock.now())) {
      if (this.#suppressed.size < MAX_TRACKED || this.#suppressed.has(key)) {
        this.#suppressed.set(key, (this.#suppressed.get(key) ?? 0) + 1);
      }
      return true;
    }
    const folded = this.#suppressed.get(key) ?? 0;
    this.#suppressed.delete(key);
    await this.#append(refusal, {
      ...(refusal.about ?? {}),
      ...(folded > 0 ? { suppressed: folded } : {}),
    });
    return true;
  }

  async #recordBySource(refusal: Refusal): Promise<boolean> {
    const source = refusal.source ?? 'unknown';
    const admitted = this.#perSource.take(source, this.#clock.now());
    const key = `${refusal.type ?? 'request.refused'} ${source}`;
    const window = Math.floor(unixSeconds(this.#clock) / this.#windowSeconds);
    const last = this.#sources.get(key);
    if (last && last.window === window) {
      last.folded += 1;
      return admitted;
    }
    if (!last && this.#sources.size >= MAX_TRACKED) {
      // The stalest source gives its place up; its count is lost, not its first event.
      const stalest = this.#sources.keys().next().value;
      if (stalest !== undefined) this.#sources.delete(stalest);
    }
    this.#sources.delete(key);
    this.#sources.set(key, { window, folded: 0 });
    const folded = last?.folded ?? 0;
    await this.#append(refusal, { source, ...(folded > 0 ? { suppressed: folded } : {}) });
    return admitted;
  }

  async #append(refusal: Refusal, detail: { readonly [key: string]: string | number }): Promise<void> {
    await this.#store.appendAudit(
      auditRecord({
        at: unixSeconds(this.#clock),
        type: refusal.type ?? 'request.refused',
        actor: refusal.actor,
        object: { kind: 'request', id: `${refusal.method} ${refusal.route}` },
        detail: { code: refusal.code, ...detail },
      }),
    );
  }
}
