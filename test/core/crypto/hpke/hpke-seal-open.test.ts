import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CryptoError } from '../../../../src/core/crypto/hpke/crypto-error.ts';
import { hpkeOpen } from '../../../../src/core/crypto/hpke/hpke-open.ts';
import { hpkeSeal } from '../../../../src/core/crypto/hpke/hpke-seal.ts';
import type { HpkeSuite } from '../../../../src/core/crypto/hpke/hpke-suite.ts';
import type { KemKeyPair, KemPrivateKey } from '../../../../src/core/crypto/hpke/kem.ts';
import { setupRecipient } from '../../../../src/core/crypto/hpke/setup-recipient.ts';
import { setupSender } from '../../../../src/core/crypto/hpke/setup-sender.ts';
import {
  VALISE_SUITE_CLASSICAL,
  VALISE_SUITE_XWING,
} from '../../../../src/core/crypto/hpke/valise-suites.ts';
import { toHex } from '../../../../src/core/encoding/bytes.ts';

const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
const message = fc.record({ plaintext: bytes(256), info: bytes(64), aad: bytes(64) });

function isOpenFailed(error: unknown): boolean {
  return error instanceof CryptoError && error.code === 'OPEN_FAILED';
}

function flipBit(data: Uint8Array, bit: number): Uint8Array {
  const copy = data.slice();
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
  return copy;
}

function suiteTests<P extends KemPrivateKey>(suite: HpkeSuite<P>): void {
  describe(suite.name, () => {
    // Key generation is not what these properties exercise: a few key pairs serve every run.
    const pairs: Promise<KemKeyPair<P>[]> = Promise.all([0, 1, 2].map(() => suite.kem.generateKeyPair()));
    const recipient = async (index = 0): Promise<KemKeyPair<P>> => {
      const pair = (await pairs)[index];
      assert.ok(pair !== undefined);
      return pair;
    };

    test('open(seal(x)) = x', async () => {
      const { publicKey, privateKey } = await recipient();
      await fc.assert(
        fc.asyncProperty(message, async ({ plaintext, info, aad }) => {
          const { enc, ciphertext } = await hpkeSeal(suite, publicKey, info, aad, plaintext);
          assert.equal(enc.length, suite.kem.encLength);
          assert.equal(ciphertext.length, plaintext.length + suite.aead.tagLength);
          const opened = await hpkeOpen(suite, privateKey, enc, info, aad, ciphertext);
          assert.equal(toHex(opened), toHex(plaintext));
        }),
        { numRuns: 1000 },
      );
    });

    test('a flipped bit in enc, ciphertext, info or aad is OPEN_FAILED, never a plaintext', async () => {
      const { publicKey, privateKey } = await recipient();
      const target = fc.constantFrom('enc', 'ciphertext', 'info', 'aad');
      const sealedMessage = fc.record({ plaintext: bytes(64), info: bytes(32), aad: bytes(32) });
      await fc.assert(
        fc.asyncProperty(sealedMessage, target, fc.nat(), async ({ plaintext, info, aad }, where, bit) => {
          // info and aad may be empty: flipping a bit there means the opener sees one extra byte.
          const sealed = await hpkeSeal(suite, publicKey, info, aad, plaintext);
          const parts: Record<'enc' | 'ciphertext' | 'info' | 'aad', Uint8Array> = {
            enc: sealed.enc,
            ciphertext: sealed.ciphertext,
            info,
            aad,
          };
          const original = parts[where];
          parts[where] = original.length === 0 ? Uint8Array.of(1 << (bit % 8)) : flipBit(original, bit);
          await assert.rejects(
            hpkeOpen(suite, privateKey, parts.enc, parts.info, parts.aad, parts.ciphertext),
            isOpenFailed,
          );
        }),
        { numRuns: 1000 },
      );
    });

    test('a message sealed for one key is OPEN_FAILED under another', async () => {
      const all = await pairs;
      const pick = fc.integer({ min: 0, max: all.length - 1 });
      await fc.assert(
        fc.asyncProperty(pick, pick, bytes(64), async (to, by, plaintext) => {
          fc.pre(to !== by);
          const info = Uint8Array.of(1);
          const sealed = await hpkeSeal(suite, all[to]!.publicKey, info, info, plaintext);
          await assert.rejects(
            hpkeOpen(suite, all[by]!.privateKey, sealed.enc, info, info, sealed.ciphertext),
            isOpenFailed,
          );
        }),
        { numRuns: 200 },
      );
    });

    test('a non-extractable X25519 CryptoKey decapsulates, also after a structured clone (IndexedDB)', async () => {
      const { publicKey, privateKey } = await suite.kem.generateKeyPair();
      assert.equal(privateKey.x25519.extractable, false);
      const stored = structuredClone(privateKey);
      const info = new TextEncoder().encode('cable 1 / device 2');
      const contentKey = crypto.getRandomValues(new Uint8Array(32));
      const { enc, ciphertext } = await hpkeSeal(suite, publicKey, info, new Uint8Array(0), contentKey);
      const opened = await hpkeOpen(suite, stored, enc, info, new Uint8Array(0), ciphertext);
      assert.equal(toHex(opened), toHex(contentKey));
    });

    test('truncated, empty or extended ciphertexts and encs are OPEN_FAILED', async () => {
      const { publicKey, privateKey } = await recipient();
      const none = new Uint8Array(0);
      const { enc, ciphertext } = await hpkeSeal(suite, publicKey, none, none, Uint8Array.of(1, 2, 3));
      const cases: [Uint8Array, Uint8Array][] = [
        [enc, ciphertext.subarray(0, ciphertext.length - 1)],
        [enc, ciphertext.subarray(0, 15)],
        [enc, none],
        [enc, Uint8Array.of(...ciphertext, 0)],
        [enc.subarray(1), ciphertext],
        [Uint8Array.of(...enc, 0), ciphertext],
        [none, ciphertext],
      ];
      for (const [badEnc, badCiphertext] of cases) {
        await assert.rejects(hpkeOpen(suite, privateKey, badEnc, none, none, badCiphertext), isOpenFailed);
      }
    });

    test('a sender context keeps call order without awaits: seq 0..n open in order', async () => {
      const { publicKey, privateKey } = await recipient();
      const info = Uint8Array.of(7);
      const { enc, context } = await setupSender(suite, publicKey, info);
      const plaintexts = Array.from({ length: 20 }, (_, i) => Uint8Array.of(i));
      const sealed = await Promise.all(plaintexts.map((p) => context.seal(Uint8Array.of(0), p)));
      assert.equal(new Set(sealed.map(toHex)).size, sealed.length);
      const opener = await setupRecipient(suite, privateKey, enc, info);
      // A failed open does not advance the sequence number (RFC 9180 §5.2).
      await assert.rejects(opener.open(Uint8Array.of(0), sealed[1]!), isOpenFailed);
      const opened = await Promise.all(sealed.map((c) => opener.open(Uint8Array.of(0), c)));
      assert.deepEqual(opened.map(toHex), plaintexts.map(toHex));
    });
  });
}

suiteTests(VALISE_SUITE_XWING);
suiteTests(VALISE_SUITE_CLASSICAL);
