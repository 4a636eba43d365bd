import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CryptoError } from '../../../../src/core/crypto/hpke/crypto-error.ts';
import { XWing } from '../../../../src/core/crypto/hpke/x-wing.ts';
import { fromHex, toHex } from '../../../../src/core/encoding/bytes.ts';
import file from '../../../vectors/xwing.json' with { type: 'json' };

function hex(value: string): Uint8Array {
  const bytes = fromHex(value);
  assert.ok(bytes !== undefined, `not hex: ${value.slice(0, 16)}…`);
  return bytes;
}

describe('X-Wing draft vectors (draft-connolly-cfrg-xwing-kem Appendix C)', () => {
  test("the KEM id and sizes are the draft's", () => {
    assert.equal(XWing.id, file.kem_id);
    assert.deepEqual(
      [XWing.publicKeyLength, XWing.privateKeyLength, XWing.encLength, XWing.sharedSecretLength],
      [1216, 32, 1120, 32],
    );
  });

  for (const [index, vector] of file.vectors.entries()) {
    describe(`vector ${index} (seed ${vector.seed.slice(0, 8)}…)`, () => {
      test('keygen from the seed gives pk, and the private key exports back to sk', async () => {
        const privateKey = await XWing.importPrivateKey(hex(vector.seed), { extractable: true });
        assert.equal(toHex(privateKey.publicKey), vector.pk);
        assert.equal(toHex(await XWing.exportPrivateKey(privateKey)), vector.sk);
      });

      test('encapsulation from eseed gives ct and ss', async () => {
        const { enc, sharedSecret } = await XWing.encapsulateDerand(hex(vector.pk), hex(vector.eseed));
        assert.equal(toHex(enc), vector.ct);
        assert.equal(toHex(sharedSecret), vector.ss);
      });

      test('decapsulation of ct gives ss, with an extractable or a non-extractable key', async () => {
        for (const extractable of [true, false]) {
          const privateKey = await XWing.importPrivateKey(hex(vector.sk), { extractable });
          assert.equal(privateKey.x25519.extractable, extractable);
          assert.equal(toHex(await XWing.decapsulate(hex(vector.ct), privateKey)), vector.ss);
        }
      });
    });
  }

  test('a key imported non-extractable refuses to be written out', async () => {
    const privateKey = await XWing.importPrivateKey(hex(file.vectors[0]!.sk));
    assert.equal(privateKey.seed, undefined);
    await assert.rejects(
      XWing.exportPrivateKey(privateKey),
      (error) => error instanceof CryptoError && error.code === 'NOT_EXTRACTABLE',
    );
  });
});
