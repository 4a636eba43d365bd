/**
 * Cross-checks our X-Wing (noble ML-KEM + WebCrypto X25519 + our combiner) against noble's own,
 * independent X-Wing, `ml_kem768_x25519` from @noble/post-quantum/hybrid.js. Test-only: noble's
 * hybrid is never used in production code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import fc from 'fast-check';
import { XWing, type XWingPrivateKey } from '../../../../src/core/crypto/hpke/x-wing.ts';
import { toHex } from '../../../../src/core/encoding/bytes.ts';

const seed32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const seed64 = fc.uint8Array({ minLength: 64, maxLength: 64 });

describe('X-Wing agrees with noble ml_kem768_x25519', () => {
  test('the same seed gives the same public key', async () => {
    await fc.assert(
      fc.asyncProperty(seed32, async (seed) => {
        const ours = await XWing.importPrivateKey(seed);
        assert.equal(toHex(ours.publicKey), toHex(ml_kem768_x25519.keygen(seed).publicKey));
      }),
      { numRuns: 100 },
    );
  });

  // Keygen is the costly part, so these properties reuse a few key pairs and vary the rest.
  const seeds = [1, 2, 3].map((n) => new Uint8Array(32).fill(n));
  const keys = Promise.all(seeds.map((seed) => XWing.importPrivateKey(seed)));
  const pick = fc.integer({ min: 0, max: seeds.length - 1 });

  async function keyAt(index: number): Promise<{ seed: Uint8Array; privateKey: XWingPrivateKey }> {
    const privateKey = (await keys)[index];
    assert.ok(privateKey !== undefined);
    return { seed: seeds[index]!, privateKey };
  }

  test("our decapsulation of noble's ciphertext yields noble's shared secret", async () => {
    await fc.assert(
      fc.asyncProperty(pick, seed64, async (index, eseed) => {
        const { privateKey } = await keyAt(index);
        const theirs = ml_kem768_x25519.encapsulate(privateKey.publicKey, eseed);
        const ours = await XWing.decapsulate(theirs.cipherText, privateKey);
        assert.equal(toHex(ours), toHex(theirs.sharedSecret));
      }),
      { numRuns: 300 },
    );
  });

  test("noble's decapsulation of our ciphertext yields our shared secret", async () => {
    await fc.assert(
      fc.asyncProperty(pick, async (index) => {
        const { seed, privateKey } = await keyAt(index);
        const ours = await XWing.encapsulate(privateKey.publicKey);
        const theirs = ml_kem768_x25519.decapsulate(ours.enc, seed);
        assert.equal(toHex(theirs), toHex(ours.sharedSecret));
      }),
      { numRuns: 300 },
    );
  });

  test('derandomized encapsulation matches noble byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(pick, seed64, async (index, eseed) => {
        const { privateKey } = await keyAt(index);
        const ours = await XWing.encapsulateDerand(privateKey.publicKey, eseed);
        const theirs = ml_kem768_x25519.encapsulate(privateKey.publicKey, eseed);
        assert.equal(toHex(ours.enc), toHex(theirs.cipherText));
        assert.equal(toHex(ours.sharedSecret), toHex(theirs.sharedSecret));
      }),
      { numRuns: 300 },
    );
  });

  test('a generated non-extractable key interoperates: noble encapsulates to it, we decapsulate', async () => {
    const { privateKey, publicKey } = await XWing.generateKeyPair();
    assert.equal(privateKey.x25519.extractable, false);
    assert.equal(privateKey.seed, undefined);
    const theirs = ml_kem768_x25519.encapsulate(publicKey);
    assert.equal(toHex(await XWing.decapsulate(theirs.cipherText, privateKey)), toHex(theirs.sharedSecret));
  });
});
