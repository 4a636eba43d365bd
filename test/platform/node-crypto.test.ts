/**
 * Node's native primitives (src/platform/node-crypto.ts) against the frozen vectors and
 * against the portable path: every path passes the X-Wing draft, RFC 9180 and cable vectors,
 * and a wrap sealed on one path opens on every other, in both directions. On a Node without
 * ML-KEM in `node:crypto` (before 24.7) the native cases are skipped, saying so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import fc from 'fast-check';
import { deriveContentCipher } from '../../src/core/crypto/content-cipher.ts';
import { CryptoError } from '../../src/core/crypto/hpke/crypto-error.ts';
import { hpkeOpen } from '../../src/core/crypto/hpke/hpke-open.ts';
import { hpkeSeal } from '../../src/core/crypto/hpke/hpke-seal.ts';
import type { HpkeSuite } from '../../src/core/crypto/hpke/hpke-suite.ts';
import { NOBLE_PRIMITIVES } from '../../src/core/crypto/hpke/noble-primitives.ts';
import type { Primitives } from '../../src/core/crypto/hpke/primitives.ts';
import { valiseSuites } from '../../src/core/crypto/hpke/valise-suites.ts';
import {
  hasWebCryptoMlKem,
  WEB_CRYPTO_PRIMITIVES,
} from '../../src/core/crypto/hpke/web-crypto-primitives.ts';
import { XWing, XWingKem, type XWingPrivateKey } from '../../src/core/crypto/hpke/x-wing.ts';
import { fromHex, toHex } from '../../src/core/encoding/bytes.ts';
import { nodePrimitives } from '../../src/platform/node-crypto.ts';
import type { CableVector } from '../core/fixtures/check-cable-vectors.ts';
import { checkCableVectors } from '../core/fixtures/check-cable-vectors.ts';
import { checkHpkeVectors, checkXWingVectors } from '../core/fixtures/check-primitive-vectors.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);
const load = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'vectors', name), 'utf8'));
const native = await nodePrimitives();
const skipNative = native
  ? false
  : `skipped: node:crypto has no ML-KEM-768 before Node 24.7 (this is ${process.version})`;

interface HkdfVector {
  readonly name: string;
  readonly ikm: string;
  readonly salt: string;
  readonly info: string;
  readonly length: number;
  readonly prk: string;
  readonly okm: string;
}
const hex = (text: string): Uint8Array => fromHex(text) ?? assert.fail(`not hex: ${text}`);

const failsWith = (code: string) => (error: unknown) => error instanceof CryptoError && error.code === code;

const paths: Primitives[] = [
  NOBLE_PRIMITIVES,
  ...(hasWebCryptoMlKem() ? [WEB_CRYPTO_PRIMITIVES] : []),
  ...(native ? [native] : []),
];

describe('every primitives path passes the frozen vectors', () => {
  for (const primitives of paths) {
    test(`X-Wing draft, RFC 9180 and cable vectors on ${primitives.name}`, async () => {
      const results = [
        ...(await checkXWingVectors(load('xwing.json').vectors, primitives)),
        ...(await checkHpkeVectors(load('hpke-rfc9180.json').vectors, primitives)),
        ...(await checkCableVectors(
          load('cables.json').vectors as CableVector[],
          valiseSuites(primitives).xwing,
        )),
        ...(await checkCableVectors(
          load('cables-v2.json').vectors as CableVector[],
          valiseSuites(primitives).xwing,
        )),
        ...(await checkCableVectors(
          load('cables-v3.json').vectors as CableVector[],
          valiseSuites(primitives).xwing,
        )),
        ...(await checkCableVectors(
          load('cables-v4.json').vectors as CableVector[],
          valiseSuites(primitives).xwing,
        )),
      ];
      assert.ok(results.length >= 25, `ran ${results.length} vectors`);
      assert.deepEqual(
        results.filter((r) => r.problem),
        [],
      );
    });
  }
  for (const primitives of paths) {
    test(`RFC 5869 HKDF-SHA256 vectors on ${primitives.name}, every output length a prefix`, () => {
      const vectors: HkdfVector[] = load('hkdf-rfc5869.json').vectors;
      assert.equal(vectors.length, 3);
      for (const v of vectors) {
        const prk = primitives.hkdfSha256Extract(hex(v.salt), hex(v.ikm));
        assert.equal(toHex(prk), v.prk, v.name);
        // One block (a wrap's key and nonce), exactly one, and more than one.
        for (const length of [1, 12, 32, 33, v.length]) {
          const okm = primitives.hkdfSha256Expand(prk, hex(v.info), length);
          assert.equal(toHex(okm), v.okm.slice(0, 2 * length), `${v.name}, L = ${length}`);
          assert.equal(
            okm.buffer.byteLength,
            length,
            `${v.name}, L = ${length}: no other output rides along`,
          );
        }
      }
    });
  }
  test('the native path is among them on Node 24.7 and later', { skip: skipNative }, () => {
    assert.ok(paths.includes(native!));
  });
});

describe('native ML-KEM-768 agrees with noble', { skip: skipNative }, () => {
  test('the same 64-byte seed gives the same encapsulation and decapsulation keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 64, maxLength: 64 }), async (seed) => {
        const ours = await native!.mlKem768Keygen(seed);
        const theirs = ml_kem768.keygen(seed);
        assert.equal(toHex(ours.publicKey), toHex(theirs.publicKey));
        assert.equal(toHex(ours.secretKey), toHex(theirs.secretKey));
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });
});

describe("the content cipher on a platform's AES-256-GCM", () => {
  test('seals the bytes WebCrypto seals, opens them, and refuses a flipped bit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        async (secret, aad, plaintext, flip) => {
          const web = await deriveContentCipher(secret.slice(), 'valise test content v1');
          const sealed = await web.encrypt(web.nonce, plaintext, aad);
          for (const path of paths) {
            const cipher = await deriveContentCipher(
              secret.slice(),
              'valise test content v1',
              valiseSuites(path).xwing.aead,
            );
            assert.equal(toHex(cipher.nonce), toHex(web.nonce));
            assert.equal(toHex(await cipher.encrypt(cipher.nonce, plaintext, aad)), toHex(sealed));
            assert.equal(
              toHex((await cipher.decrypt(cipher.nonce, sealed, aad)) ?? new Uint8Array([1])),
              toHex(plaintext),
            );
            const altered = sealed.slice();
            altered[flip % altered.length]! ^= 1;
            assert.equal(await cipher.decrypt(cipher.nonce, altered, aad), undefined);
          }
        },
      ),
      { numRuns: Math.min(RUNS, 200) },
    );
  });
});

describe('an X-Wing key imported once by the native primitives', { skip: skipNative }, () => {
  const vectors = load('xwing.json').vectors as { sk: string; ct: string; ss: string }[];

  test('decapsulates every vector as the key held as bytes does', async () => {
    const kem = new XWingKem(native as Primitives);
    for (const vector of vectors) {
      const held = await XWing.importPrivateKey(Buffer.from(vector.sk, 'hex'));
      const prepared = await kem.prepare(held);
      assert.ok(prepared.imported, 'the native primitives import the ML-KEM half ahead');
      assert.equal(toHex(await kem.decapsulate(Buffer.from(vector.ct, 'hex'), prepared)), vector.ss);
      // Another set of primitives ignores the import it did not make and uses the bytes.
      assert.equal(toHex(await XWing.decapsulate(Buffer.from(vector.ct, 'hex'), prepared)), vector.ss);
    }
  });

  test('refuses a decapsulation key that fails its FIPS 203 §7.3 check, as decapsulation does', async () => {
    const kem = new XWingKem(native as Primitives);
    const held = await XWing.importPrivateKey(Buffer.from(vectors[0]!.sk, 'hex'));
    const broken = new Uint8Array(held.mlKemSecretKey);
    broken[2400 - 64]! ^= 1; // the first byte of H(ek), the hash the check compares with ek
    const tampered = { ...held, mlKemSecretKey: broken };
    await assert.rejects(kem.prepare(tampered), failsWith('BAD_KEY'));
    await assert.rejects(kem.decapsulate(Buffer.from(vectors[0]!.ct, 'hex'), tampered), failsWith('BAD_KEY'));
  });

  test('an extractable key imports its X25519 half too and decapsulates every vector', async () => {
    const kem = new XWingKem(native as Primitives);
    for (const vector of vectors) {
      const held = await XWing.importPrivateKey(Buffer.from(vector.sk, 'hex'), { extractable: true });
      const prepared = await kem.prepare(held);
      assert.ok(prepared.imported?.x25519 !== undefined, 'the native primitives import the X25519 half');
      assert.equal(toHex(await kem.decapsulate(Buffer.from(vector.ct, 'hex'), prepared)), vector.ss);
      assert.equal(toHex(await XWing.decapsulate(Buffer.from(vector.ct, 'hex'), prepared)), vector.ss);
    }
  });

  test('a non-extractable key keeps its X25519 half in WebCrypto', async () => {
    const kem = new XWingKem(native as Primitives);
    const prepared = await kem.prepare(await XWing.importPrivateKey(Buffer.from(vectors[0]!.sk, 'hex')));
    assert.equal(prepared.imported?.x25519, undefined);
  });

  test('a prepared X25519 half opens what the portable path seals, for any encapsulation', async () => {
    const kem = new XWingKem(native as Primitives);
    const { publicKey, privateKey } = await XWing.generateKeyPair({ extractable: true });
    const prepared = await kem.prepare(privateKey);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 64, maxLength: 64 }), async (eseed) => {
        const { enc, sharedSecret } = await XWing.encapsulateDerand(publicKey, eseed);
        assert.equal(toHex(await kem.decapsulate(enc, prepared)), toHex(sharedSecret));
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  test('a prepared X25519 half refuses a low-order ct_X as the WebCrypto half does', async () => {
    const kem = new XWingKem(native as Primitives);
    const held = await XWing.importPrivateKey(Buffer.from(vectors[0]!.sk, 'hex'), { extractable: true });
    const prepared = await kem.prepare(held);
    const ct = new Uint8Array(Buffer.from(vectors[0]!.ct, 'hex'));
    ct.fill(0, ct.length - 32); // u = 0: X25519 gives the all-zero secret (RFC 7748 §6.1)
    await assert.rejects(kem.decapsulate(ct, prepared), failsWith('BAD_ENCAPSULATION'));
    await assert.rejects(XWing.decapsulate(ct, held), failsWith('BAD_ENCAPSULATION'));
  });

  test('refuses to prepare an X25519 half that does not give the key its public value', async () => {
    const kem = new XWingKem(native as Primitives);
    const held = await XWing.importPrivateKey(Buffer.from(vectors[0]!.sk, 'hex'), { extractable: true });
    const other = await XWing.generateKeyPair({ extractable: true });
    const swapped = { ...held, x25519: other.privateKey.x25519 };
    await assert.rejects(kem.prepare(swapped), failsWith('BAD_KEY'));
  });
});

describe('a wrap sealed on one path opens on every other', { skip: skipNative }, () => {
  const suites = paths.map((p) => valiseSuites(p));
  // Keygen is the costly part: a few keys, made on different paths, with everything else varied.
  const keys = Promise.all(
    paths.map((p, i) => valiseSuites(p).xwing.kem.deriveKeyPair(new Uint8Array(32).fill(i + 1))),
  );
  const pair = fc.tuple(fc.nat(paths.length - 1), fc.nat(paths.length - 1)).filter(([a, b]) => a !== b);

  test('X-Wing: seal on A, open on B, for every A ≠ B', async () => {
    const keyPairs = await keys;
    await fc.assert(
      fc.asyncProperty(
        pair,
        fc.nat(keyPairs.length - 1),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        async ([a, b], k, info, aad, plaintext) => {
          const { publicKey, privateKey } = keyPairs[k]!;
          const sealed = await hpkeSeal(suites[a]!.xwing, publicKey, info, aad, plaintext);
          const opened = await hpkeOpen(
            suites[b]!.xwing,
            privateKey,
            sealed.enc,
            info,
            aad,
            sealed.ciphertext,
          );
          assert.equal(toHex(opened), toHex(plaintext));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('classical DHKEM(X25519): seal on A, open on B, for every A ≠ B', async () => {
    const recipients = await Promise.all(suites.map((s) => s.classical.kem.generateKeyPair()));
    await fc.assert(
      fc.asyncProperty(
        pair,
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 1 }),
        async ([a, b], aad, plaintext) => {
          const { publicKey, privateKey } = recipients[a]!;
          const info = new Uint8Array([a, b]);
          const sealed = await hpkeSeal(suites[a]!.classical, publicKey, info, aad, plaintext);
          const opened = await hpkeOpen(
            suites[b]!.classical,
            privateKey,
            sealed.enc,
            info,
            aad,
            sealed.ciphertext,
          );
          assert.equal(toHex(opened), toHex(plaintext));
        },
      ),
      { numRuns: Math.min(RUNS, 200) },
    );
  });
});

describe('the native path refuses what the portable path refuses', { skip: skipNative }, () => {
  const suite = (): HpkeSuite<XWingPrivateKey> => valiseSuites(native!).xwing;
  const none = new Uint8Array(0);

  test('an encapsulation key failing the FIPS 203 §7.2 check is BAD_KEY', async () => {
    const { publicKey } = await XWing.generateKeyPair();
    const bad = publicKey.slice();
    bad.fill(0xff, 0, 384);
    await assert.rejects(hpkeSeal(suite(), bad, none, none, Uint8Array.of(1)), failsWith('BAD_KEY'));
  });

  test('a low-order X25519 half is BAD_KEY (RFC 7748 §6.1)', async () => {
    const { publicKey } = await XWing.generateKeyPair();
    const bad = publicKey.slice();
    bad.fill(0, 1184);
    await assert.rejects(hpkeSeal(suite(), bad, none, none, Uint8Array.of(1)), failsWith('BAD_KEY'));
  });

  test('a decapsulation key failing its FIPS 203 §7.3 hash check is BAD_KEY, on both paths', async () => {
    const { publicKey, privateKey } = await XWing.generateKeyPair();
    const sealed = await hpkeSeal(suite(), publicKey, none, none, Uint8Array.of(1));
    const mlKemSecretKey = privateKey.mlKemSecretKey.slice();
    mlKemSecretKey[2400 - 40]! ^= 1;
    const corrupt: XWingPrivateKey = { ...privateKey, mlKemSecretKey };
    for (const s of [suite(), valiseSuites(NOBLE_PRIMITIVES).xwing]) {
      await assert.rejects(
        hpkeOpen(s, corrupt, sealed.enc, none, none, sealed.ciphertext),
        failsWith('BAD_KEY'),
      );
    }
  });

  test('a flipped bit in enc or ciphertext is OPEN_FAILED, never other bytes', async () => {
    const { publicKey, privateKey } = await XWing.generateKeyPair();
    const sealed = await hpkeSeal(suite(), publicKey, none, none, Uint8Array.of(1, 2, 3));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(sealed.enc.length + sealed.ciphertext.length - 1),
        fc.nat(7),
        async (at, bit) => {
          const enc = sealed.enc.slice();
          const ciphertext = sealed.ciphertext.slice();
          if (at < enc.length) enc[at]! ^= 1 << bit;
          else ciphertext[at - enc.length]! ^= 1 << bit;
          await assert.rejects(
            hpkeOpen(suite(), privateKey, enc, none, none, ciphertext),
            failsWith('OPEN_FAILED'),
          );
        },
      ),
      { numRuns: Math.min(RUNS, 200) },
    );
  });
});
