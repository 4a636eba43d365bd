import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fromBase64url, toBase64url } from '../../../src/core/encoding/bytes.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('base64url (RFC 4648 §5, unpadded)', () => {
  test('the RFC 4648 §10 test vectors, in the URL-safe alphabet without padding', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of cases) {
      assert.equal(toBase64url(new TextEncoder().encode(plain)), encoded);
      assert.equal(new TextDecoder().decode(fromBase64url(encoded)), plain);
    }
    assert.equal(toBase64url(Uint8Array.of(0xfb, 0xff)), '-_8');
  });

  test('decode(encode(x)) = x and agrees with the platform encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = toBase64url(bytes);
        assert.deepEqual(fromBase64url(text), bytes);
        const platform = btoa(String.fromCharCode(...bytes))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
        assert.equal(text, platform);
      }),
      { numRuns: RUNS },
    );
  });

  test('every string either is the one encoding of its bytes or decodes to undefined', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', 'é'), maxLength: 40 }),
        (text) => {
          const bytes = fromBase64url(text);
          if (bytes !== undefined) assert.equal(toBase64url(bytes), text);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('refuses padding, a dangling character and non-zero spare bits', () => {
    // 'Zh' and 'Zm9' are 'Zg' and 'Zm8' with a spare bit set: the same bytes, not canonical.
    for (const bad of ['Zg==', 'Zm9vY', 'Zh', 'Zm9', 'Zm+v', 'Zm/v', 'Zm9v\n']) {
      assert.equal(fromBase64url(bad), undefined, bad);
    }
    assert.deepEqual(fromBase64url('Zm8'), new TextEncoder().encode('fo'));
  });
});
