import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MemoryNonceStore } from '../../../src/core/wire/memory-nonce-store.ts';

const NOW = 1_750_000_000;
const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('MemoryNonceStore', () => {
  test('refuses a nonce already used by the same key within its window', async () => {
    let clock = NOW;
    const store = new MemoryNonceStore({ now: () => clock });
    assert.equal(await store.consume('device-1', NONCE, NOW + 60), true);
    clock = NOW + 60;
    assert.equal(await store.consume('device-1', NONCE, NOW + 120), false);
  });

  test('the same nonce from another key is a different entry', async () => {
    const store = new MemoryNonceStore({ now: () => NOW });
    assert.equal(await store.consume('device-1', NONCE, NOW + 60), true);
    assert.equal(await store.consume('device-2', NONCE, NOW + 60), true);
  });

  test('key and nonce cannot be shifted into one another', async () => {
    const store = new MemoryNonceStore({ now: () => NOW });
    assert.equal(await store.consume('ab', 'c', NOW + 60), true);
    assert.equal(await store.consume('a', 'bc', NOW + 60), true);
  });

  test('evicts expired entries, so the store stays bounded over time', async () => {
    let clock = NOW;
    const store = new MemoryNonceStore({ now: () => clock, capacity: 1000, sweepIntervalSeconds: 1 });
    for (let second = 0; second < 600; second++) {
      clock = NOW + second;
      for (let i = 0; i < 10; i++) {
        assert.equal(await store.consume('device-1', `${second}-${i}-${NONCE}`, clock + 60), true);
      }
      // Never more than the entries of the last 60 s (plus the second being swept).
      assert.ok(store.size <= 620, `size ${store.size} at second ${second}`);
    }
  });

  test('an expired entry is forgotten and its nonce may be seen again', async () => {
    let clock = NOW;
    const store = new MemoryNonceStore({ now: () => clock });
    assert.equal(await store.consume('device-1', NONCE, NOW + 60), true);
    clock = NOW + 61;
    assert.equal(await store.consume('device-1', NONCE, NOW + 121), true);
    assert.equal(store.size, 1);
  });

  test('when full of live entries it refuses new nonces instead of forgetting live ones', async () => {
    let clock = NOW;
    const store = new MemoryNonceStore({ now: () => clock, capacity: 3 });
    for (const nonce of ['a', 'b', 'c']) assert.equal(await store.consume('k', nonce, NOW + 60), true);
    assert.equal(await store.consume('k', 'd', NOW + 60), false);
    assert.equal(await store.consume('k', 'a', NOW + 60), false);
    clock = NOW + 61;
    assert.equal(await store.consume('k', 'd', NOW + 121), true);
    assert.equal(store.size, 1);
  });

  test('property: a nonce is accepted exactly once per key while live', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('k1', 'k2', 'k3'), fc.constantFrom('n1', 'n2', 'n3', 'n4')), {
          maxLength: 40,
        }),
        async (uses) => {
          const store = new MemoryNonceStore({ now: () => NOW });
          const seen = new Set<string>();
          for (const [key, nonce] of uses) {
            const id = `${key}/${nonce}`;
            assert.equal(await store.consume(key, nonce, NOW + 60), !seen.has(id));
            seen.add(id);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('hostile inputs are refused (false), never thrown', async () => {
    const store = new MemoryNonceStore({ now: () => NOW });
    const cases: ReadonlyArray<[unknown, unknown, unknown]> = [
      [undefined, NONCE, NOW],
      ['k', undefined, NOW],
      ['k', NONCE, Number.NaN],
      ['k', NONCE, '1750000060'],
      ['k\nx', NONCE, NOW + 60],
      ['k', `${NONCE}\n`, NOW + 60],
      [{}, NONCE, NOW + 60],
    ];
    for (const [key, nonce, expiresAt] of cases) {
      assert.equal(await store.consume(key as string, nonce as string, expiresAt as number), false);
    }
    assert.equal(await store.consume('__proto__', 'constructor', NOW + 60), true);
    assert.equal(await store.consume('__proto__', 'constructor', NOW + 60), false);
  });

  test('without a usable clock it fails closed', async () => {
    for (const now of [() => Number.NaN, () => Number.POSITIVE_INFINITY, undefined, () => 'now']) {
      const store = new MemoryNonceStore({ now: now as () => number });
      assert.equal(await store.consume('k', NONCE, NOW + 60), false);
    }
    const store = new MemoryNonceStore(undefined as unknown as { now: () => number });
    assert.equal(await store.consume('k', NONCE, NOW + 60), false);
  });
});
