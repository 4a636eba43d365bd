import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../../../src/core/encoding/bytes.ts';
import {
  contentDigest,
  matchesContentDigest,
  matchesContentDigestOf,
} from '../../../src/core/wire/content-digest.ts';
import { rejectsWith } from './wire-fixtures.ts';

describe('contentDigest', () => {
  test('is sha-256 as a structured-field byte sequence: standard base64 with padding, inside colons', () => {
    // SHA-256 of empty input, the FIPS 180-4 known answer e3b0c442…b855.
    assert.equal(contentDigest(new Uint8Array(0)), 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  });

  test('property: a body always matches its own digest', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (body) => {
        assert.match(contentDigest(body), /^sha-256=:[A-Za-z0-9+/]{43}=:$/);
        assert.equal(matchesContentDigest(contentDigest(body), body), true);
      }),
      { numRuns: 1000 },
    );
  });

  test('property: a flipped bit, an added byte or a removed byte no longer matches', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.nat(7), (body, at, bit) => {
        const field = contentDigest(body);
        const flipped = new Uint8Array(body);
        flipped[at % body.length]! ^= 1 << bit;
        assert.equal(matchesContentDigest(field, flipped), false);
        assert.equal(matchesContentDigest(field, new Uint8Array([...body, 0])), false);
        assert.equal(matchesContentDigest(field, body.slice(1)), false);
      }),
      { numRuns: 1000 },
    );
  });

  test('refuses a body that is not a Uint8Array with the typed error', async () => {
    for (const body of [undefined, null, 'text', [1, 2], new ArrayBuffer(4), 42]) {
      await rejectsWith(() => contentDigest(body as unknown as Uint8Array), 'SIGNATURE_MALFORMED');
    }
  });
});

describe('matchesContentDigest hostile inputs return false, never throw', () => {
  const body = utf8('{"hello": "world"}\n');
  const good = contentDigest(body);
  const cases: ReadonlyArray<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an array', [good]],
    ['empty', ''],
    ['100 KB', `sha-256=:${'A'.repeat(100 * 1024)}:`],
    ['garbage', '::::;;;,,,==='],
    ['another algorithm', good.replace('sha-256', 'sha-512')],
    ['upper-case key', good.replace('sha-256', 'SHA-256')],
    ['a second member', `${good}, sha-512=:AA==:`],
    ['the same member twice', `${good}, ${good}`],
    ['a parameter on the member', `${good};q=1`],
    ['a string value', 'sha-256="RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg="'],
    ['legacy Digest syntax', 'SHA-256=RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg='],
    ['no padding', good.replace('=:', ':')],
    ['base64url alphabet', good.replaceAll('+', '-').replaceAll('/', '_')],
    ['truncated digest', 'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8Fa:'],
    ['trailing comma', `${good},`],
    ['a __proto__ key', '__proto__=:AA==:'],
  ];
  for (const [name, field] of cases) {
    test(name, () => {
      assert.equal(matchesContentDigest(field as string, body), false);
    });
  }

  test('a body that is not bytes', () => {
    for (const hostile of [undefined, 'text', [1], null]) {
      assert.equal(matchesContentDigest(good, hostile as unknown as Uint8Array), false);
    }
  });

  test('leading and trailing spaces are structured-field whitespace', () => {
    assert.equal(matchesContentDigest(`  ${good}  `, body), true);
  });

  test('property: arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (field) => {
        assert.equal(typeof matchesContentDigest(field, body), 'boolean');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('matchesContentDigestOf (WebCrypto SHA-256, for large bodies)', () => {
  test('property: agrees with matchesContentDigest on matching and altered bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (body, alter) => {
        const field = contentDigest(body);
        const checked = alter ? new Uint8Array([...body, 1]) : body;
        assert.equal(await matchesContentDigestOf(field, checked), matchesContentDigest(field, checked));
        assert.equal(await matchesContentDigestOf(field, checked), !alter);
      }),
      { numRuns: 1000 },
    );
  });

  test('hostile fields and bodies give false, never a rejection', async () => {
    const body = utf8('{}');
    for (const field of [undefined, '', 'sha-512=:AA==:', `sha-256=:${'A'.repeat(5000)}:`, '::']) {
      assert.equal(await matchesContentDigestOf(field, body), false);
    }
    assert.equal(await matchesContentDigestOf(contentDigest(body), 'x' as unknown as Uint8Array), false);
  });
});
