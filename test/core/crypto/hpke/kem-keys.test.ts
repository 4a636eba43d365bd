import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CryptoError, type CryptoErrorCode } from '../../../../src/core/crypto/hpke/crypto-error.ts';
import { DhkemX25519 } from '../../../../src/core/crypto/hpke/dhkem-x25519.ts';
import { hpkeOpen } from '../../../../src/core/crypto/hpke/hpke-open.ts';
import { hpkeSeal } from '../../../../src/core/crypto/hpke/hpke-seal.ts';
import type { HpkeSuite } from '../../../../src/core/crypto/hpke/hpke-suite.ts';
import type { Kem, KemPrivateKey } from '../../../../src/core/crypto/hpke/kem.ts';
import {
  VALISE_SUITE_CLASSICAL,
  VALISE_SUITE_XWING,
} from '../../../../src/core/crypto/hpke/valise-suites.ts';
import { XWing } from '../../../../src/core/crypto/hpke/x-wing.ts';
import { toHex } from '../../../../src/core/encoding/bytes.ts';

function failsWith(code: CryptoErrorCode) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CryptoError, `expected a CryptoError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

// RFC 7748 §7 / the usual low-order list: u = 0 and u = 1 give an all-zero X25519 output.
const LOW_ORDER = [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))];
const none = new Uint8Array(0);

function keyFileTests<P extends KemPrivateKey>(suite: HpkeSuite<P>): void {
  const kem = suite.kem;
  describe(`${kem.name}: private key files`, () => {
    test('an extractable key exports to Nsk bytes and imports back to the same key pair', async () => {
      const { privateKey, publicKey } = await kem.generateKeyPair({ extractable: true });
      const bytes = await kem.exportPrivateKey(privateKey);
      assert.equal(bytes.length, kem.privateKeyLength);
      const again = await kem.importPrivateKey(bytes, { extractable: true });
      assert.equal(toHex(again.publicKey), toHex(publicKey));
      assert.equal(toHex(await kem.exportPrivateKey(again)), toHex(bytes));
    });

    test('a key generated with the default options is non-extractable and refuses to export', async () => {
      const { privateKey } = await kem.generateKeyPair();
      assert.equal(privateKey.x25519.extractable, false);
      await assert.rejects(kem.exportPrivateKey(privateKey), failsWith('NOT_EXTRACTABLE'));
    });

    test('deriveKeyPair is deterministic and needs at least Nsk bytes of ikm', async () => {
      const ikm = new Uint8Array(32).fill(7);
      const a = await kem.deriveKeyPair(ikm);
      const b = await kem.deriveKeyPair(ikm);
      assert.equal(toHex(a.publicKey), toHex(b.publicKey));
      await assert.rejects(kem.deriveKeyPair(new Uint8Array(31)), failsWith('BAD_ARGUMENT'));
    });

    test('a private key of the other KEM is BAD_KEY', async () => {
      const other: Kem = kem.id === XWing.id ? DhkemX25519 : XWing;
      const { privateKey } = await other.generateKeyPair();
      assert.throws(() => kem.checkPrivateKey(privateKey), failsWith('BAD_KEY'));
      await assert.rejects(
        kem.decapsulate(new Uint8Array(kem.encLength), privateKey as never),
        failsWith('BAD_KEY'),
      );
    });

    // X-Wing checks the public key against the one inside the ML-KEM key; DHKEM cannot check
    // without a scalar multiplication, and the swapped key only changes the KEM context.
    const swapped: CryptoErrorCode = kem.id === XWing.id ? 'BAD_KEY' : 'OPEN_FAILED';
    test(`a private key whose public key was swapped is ${swapped}`, async () => {
      const mine = await kem.generateKeyPair();
      const theirs = await kem.generateKeyPair();
      const forged: P = { ...mine.privateKey, publicKey: theirs.publicKey };
      const sealed = await hpkeSeal(suite, mine.publicKey, none, none, Uint8Array.of(1));
      await assert.rejects(
        hpkeOpen(suite, forged, sealed.enc, none, none, sealed.ciphertext),
        failsWith(swapped),
      );
    });
  });
}

keyFileTests(VALISE_SUITE_CLASSICAL);
keyFileTests(VALISE_SUITE_XWING);

describe('DHKEM(X25519): RFC 9180 §7.1.4 validation', () => {
  test('sealing to a low-order public key is BAD_KEY', async () => {
    for (const publicKey of LOW_ORDER) {
      await assert.rejects(
        hpkeSeal(VALISE_SUITE_CLASSICAL, publicKey, none, none, none),
        failsWith('BAD_KEY'),
      );
    }
  });

  test('a low-order enc is BAD_ENCAPSULATION on decapsulation and OPEN_FAILED on open', async () => {
    const { privateKey } = await DhkemX25519.generateKeyPair();
    for (const enc of LOW_ORDER) {
      await assert.rejects(DhkemX25519.decapsulate(enc, privateKey), failsWith('BAD_ENCAPSULATION'));
      await assert.rejects(
        hpkeOpen(VALISE_SUITE_CLASSICAL, privateKey, enc, none, none, new Uint8Array(16)),
        failsWith('OPEN_FAILED'),
      );
    }
  });

  test('a public key of the wrong length is BAD_KEY', async () => {
    for (const length of [0, 31, 33, 1216]) {
      assert.throws(() => DhkemX25519.importPublicKey(new Uint8Array(length)), failsWith('BAD_KEY'));
      await assert.rejects(
        hpkeSeal(VALISE_SUITE_CLASSICAL, new Uint8Array(length), none, none, none),
        failsWith('BAD_KEY'),
      );
    }
  });
});

describe('X-Wing: public key checks', () => {
  test('an ML-KEM part failing the FIPS 203 §7.2 modulus check is BAD_KEY, on import and on seal', async () => {
    const { publicKey } = await XWing.generateKeyPair();
    const bad = publicKey.slice();
    bad[0] = 0xff;
    bad[1] = 0xff; // the first 12-bit coefficient becomes 4095 >= q = 3329
    assert.throws(() => XWing.importPublicKey(bad), failsWith('BAD_KEY'));
    await assert.rejects(hpkeSeal(VALISE_SUITE_XWING, bad, none, none, none), failsWith('BAD_KEY'));
    assert.equal(toHex(XWing.importPublicKey(publicKey)), toHex(publicKey));
  });

  test('a low-order X25519 part is BAD_KEY on seal (WebCrypto refuses the all-zero secret)', async () => {
    const { publicKey } = await XWing.generateKeyPair();
    for (const low of LOW_ORDER) {
      const bad = Uint8Array.of(...publicKey.subarray(0, 1184), ...low);
      await assert.rejects(hpkeSeal(VALISE_SUITE_XWING, bad, none, none, none), failsWith('BAD_KEY'));
    }
  });

  test('a public key or enc of the wrong length is BAD_KEY or BAD_ENCAPSULATION', async () => {
    const { privateKey } = await XWing.generateKeyPair();
    for (const length of [0, 32, 1184, 1215, 1217]) {
      assert.throws(() => XWing.importPublicKey(new Uint8Array(length)), failsWith('BAD_KEY'));
      await assert.rejects(XWing.encapsulate(new Uint8Array(length)), failsWith('BAD_KEY'));
    }
    for (const length of [0, 32, 1088, 1119, 1121]) {
      await assert.rejects(
        XWing.decapsulate(new Uint8Array(length), privateKey),
        failsWith('BAD_ENCAPSULATION'),
      );
    }
  });
});
