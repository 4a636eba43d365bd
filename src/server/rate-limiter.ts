/**
 * Rate limiting (a token bucket per key, in memory). Signed requests are keyed by their
 * authenticated device id, never by address: a ministry's devices share a few egress
 * addresses, and an attacker has many. Unsigned requests (the few routes that allow them)
 * have no other key than their source address, in a limiter of their own. Memory is
 * bounded: the least recently seen keys are dropped first.
 */

export interface RateLimit {
  /** Burst size: requests allowed at once. */
  readonly capacity: number;
  /** Sustained rate: tokens added per second. */
  readonly refillPerSecond: number;
}

export interface RateLimiter {
  /** Takes one token for `key` at `nowMs`; false when the bucket is empty. */
  take(key: string, nowMs: number): boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketRateLimiter implements RateLimiter {
  readonly #limit: RateLimit;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, maxKeys = 100_000) {
    this.#limit = limit;
    this.#maxKeys = maxKeys;
  }

  take(key: string, nowMs: number): boolean {
    const { capacity, refillPerSecond } = this.#limit;
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: nowMs };
    this.#buckets.delete(key);
    const elapsed = Math.max(0, nowMs - bucket.at) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * refillPerSecond);
    bucket.at = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    // Re-inserted last: Map order is recency order, so the first key is the stalest.
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) {
      const stalest = this.#buckets.keys().next().value;
      if (stalest !== undefined) this.#buckets.delete(stalest);
    }
    return allowed;
  }
}
