/**
 * The encrypted key file format (docs/design.md §5, "Keys on disk") as properties: any
 * plaintext opens back exactly under its key; a flipped bit anywhere in the header or the
 * ciphertext, or another passphrase, is PASSPHRASE_WRONG, never other bytes.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ClientError } from '../../src/client/client-error.ts';
import {
  deriveKeyFileKey,
  type KeyFileKey,
  openKeyFile,
  type SealedKeyFile,
  sealKeyFile,
} from '../../src/client/sealed-key-file.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 300);

function isWrongPassphrase(error: unknown): boolean {
  return error instanceof ClientError && error.code === 'PASSPHRASE_WRONG';
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  const i = Math.floor(bit / 8) % copy.length;
  copy[i] = copy[i]! ^ (1 << (bit % 8));
  return copy;
}

describe('sealed key files', () => {
  let key: KeyFileKey;
  before(async () => {
    key = await deriveKeyFileKey('correct horse battery staple', 10);
  });

  test('open(seal(x)) = x for any plaintext, with a fresh nonce each time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), (plaintext) => {
        const first = sealKeyFile(plaintext, key);
        const second = sealKeyFile(plaintext, key);
        assert.notDeepEqual(first.nonce, second.nonce);
        assert.deepEqual(openKeyFile(first, key, 'keys.json'), plaintext);
      }),
      { numRuns: RUNS },
    );
  });

  test('a flipped bit in the salt, nonce or ciphertext is PASSPHRASE_WRONG', () => {
    const fields = ['salt', 'nonce', 'ciphertext'] as const;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.constantFrom(...fields),
        fc.nat(),
        (plaintext, field, bit) => {
          const sealed = sealKeyFile(plaintext, key);
          const altered: SealedKeyFile = { ...sealed, [field]: flipBit(sealed[field], bit) };
          assert.throws(() => openKeyFile(altered, key, 'keys.json'), isWrongPassphrase);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('another passphrase, or another work factor, does not open it', async () => {
    const sealed = sealKeyFile(new TextEncoder().encode('{"v":1}'), key);
    const other = await deriveKeyFileKey('correct horse battery stapler', 10, key.salt);
    assert.throws(() => openKeyFile(sealed, other, 'keys.json'), isWrongPassphrase);
    const slower = await deriveKeyFileKey('correct horse battery staple', 11, key.salt);
    assert.throws(() => openKeyFile({ ...sealed, logN: 11 }, slower, 'keys.json'), isWrongPassphrase);
    // The same passphrase, NFC or NFD, is one passphrase.
    const composed = await deriveKeyFileKey('clé', 10, key.salt);
    const decomposed = await deriveKeyFileKey('cle\u0301', 10, key.salt);
    assert.deepEqual(composed.key, decomposed.key);
  });

  test('a work factor outside 10..20 is refused before any scrypt runs', async () => {
    for (const logN of [9, 21, 18.5]) {
      await assert.rejects(
        deriveKeyFileKey('correct horse battery staple', logN),
        (error: unknown) => error instanceof ClientError && error.code === 'INVALID_ARGUMENT',
      );
    }
  });
});
