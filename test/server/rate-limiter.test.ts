import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TokenBucketRateLimiter } from '../../src/server/rate-limiter.ts';

test('a bucket never grants more than its burst plus what it refilled', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1, max: 100 }),
      fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 300 }),
      (capacity, refillPerSecond, gaps) => {
        const limiter = new TokenBucketRateLimiter({ capacity, refillPerSecond });
        let now = 0;
        let granted = 0;
        for (const gap of gaps) {
          now += gap;
          if (limiter.take('device', now)) granted++;
        }
        assert.ok(granted <= capacity + Math.floor((now / 1000) * refillPerSecond));
      },
    ),
  );
});

test('a fresh device gets its whole burst, then waits for the refill', () => {
  const limiter = new TokenBucketRateLimiter({ capacity: 3, refillPerSecond: 1 });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take('a', 0)),
    [true, true, true, false],
  );
  assert.equal(limiter.take('a', 999), false);
  assert.equal(limiter.take('a', 1000), true);
});

test('devices have their own buckets: one exhausted device does not slow another', () => {
  const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerSecond: 1 });
  assert.equal(limiter.take('a', 0), true);
  assert.equal(limiter.take('a', 0), false);
  assert.equal(limiter.take('b', 0), true);
});

test('memory is bounded: the stalest keys are forgotten first', () => {
  const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerSecond: 0 }, 2);
  limiter.take('a', 0);
  limiter.take('b', 0);
  limiter.take('c', 0);
  // 'a' was dropped, so it starts with a full bucket again; 'c' is remembered as empty.
  assert.equal(limiter.take('c', 0), false);
  assert.equal(limiter.take('a', 0), true);
});
