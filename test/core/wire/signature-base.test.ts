import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  buildSignatureBase,
  isSupportedComponent,
  type SignableMessage,
  type SignatureParams,
  serializeSignatureParams,
} from '../../../src/core/wire/signature-base.ts';
import { rejectsWith } from './wire-fixtures.ts';

const MESSAGE: SignableMessage = {
  method: 'POST',
  authority: 'Valise.Example:8443',
  path: '/api/cables/%2Fx',
  query: '?org=CY&b=%20',
  targetUri: 'https://valise.example:8443/api/cables/%2Fx?org=CY&b=%20',
  headers: { 'Content-Type': ' application/json ', 'content-digest': 'sha-256=:AA==:' },
};
const PARAMS: SignatureParams = {
  created: 1_750_000_000,
  expires: 1_750_000_060,
  nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
  keyid: 'dev "1"',
  alg: 'ed25519',
  tag: 'valise-request-v1',
};
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('buildSignatureBase (RFC 9421 §2.5)', () => {
  test('one line per component, then @signature-params, no trailing newline', () => {
    const base = buildSignatureBase(
      MESSAGE,
      ['@method', '@target-uri', '@authority', '@path', '@query', 'content-digest', 'content-type'],
      PARAMS,
    );
    assert.equal(
      text(base),
      [
        '"@method": POST',
        '"@target-uri": https://valise.example:8443/api/cables/%2Fx?org=CY&b=%20',
        '"@authority": valise.example:8443',
        '"@path": /api/cables/%2Fx',
        '"@query": ?org=CY&b=%20',
        '"content-digest": sha-256=:AA==:',
        '"content-type": application/json',
        '"@signature-params": ("@method" "@target-uri" "@authority" "@path" "@query" "content-digest" "content-type")' +
          ';created=1750000000;expires=1750000060;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="dev \\"1\\"";alg="ed25519";tag="valise-request-v1"',
      ].join('\n'),
    );
  });

  test('an empty path is / and an absent query is ? (RFC 9421 §2.2.6, §2.2.7)', () => {
    const base = buildSignatureBase({ ...MESSAGE, path: '', query: '' }, ['@path', '@query'], {
      created: 1,
      keyid: 'k',
    });
    assert.equal(
      text(base),
      '"@path": /\n"@query": ?\n"@signature-params": ("@path" "@query");created=1;keyid="k"',
    );
  });

  test('the parameters are written in one fixed order whatever the object order', () => {
    const shuffled = {
      tag: 't',
      keyid: 'k',
      alg: 'a',
      nonce: 'n',
      expires: 9,
      created: 1,
    } as SignatureParams;
    assert.equal(
      serializeSignatureParams([], shuffled),
      '();created=1;expires=9;nonce="n";keyid="k";alg="a";tag="t"',
    );
  });

  test('property: the base is ASCII and ends with the @signature-params line', () => {
    fc.assert(
      fc.property(fc.webPath(), fc.webQueryParameters(), fc.nat(10 ** 12), (path, query, created) => {
        const url = new URL(`https://valise.example${path}?${query}`);
        const base = buildSignatureBase(
          { ...MESSAGE, path: url.pathname, query: url.search },
          ['@method', '@path', '@query'],
          { created, keyid: 'k' },
        );
        assert.ok(base.every((b) => b >= 0x09 && b < 0x7f));
        assert.ok(text(base).endsWith(`("@method" "@path" "@query");created=${created};keyid="k"`));
      }),
      { numRuns: 1000 },
    );
  });

  test('only derived components Valise knows and lowercase field names are supported', () => {
    for (const id of [
      '@method',
      '@target-uri',
      '@authority',
      '@path',
      '@query',
      'content-type',
      'x-custom',
    ]) {
      assert.equal(isSupportedComponent(id), true, id);
    }
    for (const id of [
      '@status',
      '@request-target',
      '@query-param',
      '@signature-params',
      'Content-Type',
      '',
      'a b',
      1,
      null,
    ]) {
      assert.equal(isSupportedComponent(id), false, String(id));
    }
  });
});

describe('buildSignatureBase hostile inputs give SIGNATURE_MALFORMED', () => {
  const cases: ReadonlyArray<[string, () => unknown]> = [
    ['components not an array', () => buildSignatureBase(MESSAGE, '@method' as unknown as string[], PARAMS)],
    ['an unknown derived component', () => buildSignatureBase(MESSAGE, ['@status'], PARAMS)],
    ['an upper-case field name', () => buildSignatureBase(MESSAGE, ['Content-Type'], PARAMS)],
    ['a component listed twice', () => buildSignatureBase(MESSAGE, ['@method', '@method'], PARAMS)],
    ['a covered field that is absent', () => buildSignatureBase(MESSAGE, ['date'], PARAMS)],
    [
      'a field under two casings',
      () => buildSignatureBase({ ...MESSAGE, headers: { a: '1', A: '2' } }, ['a'], PARAMS),
    ],
    [
      'a field with a line feed',
      () => buildSignatureBase({ ...MESSAGE, headers: { a: 'x\ny' } }, ['a'], PARAMS),
    ],
    ['a field not in ASCII', () => buildSignatureBase({ ...MESSAGE, headers: { a: 'ü' } }, ['a'], PARAMS)],
    [
      'a field as an array',
      () => buildSignatureBase({ ...MESSAGE, headers: { a: ['1'] as unknown as string } }, ['a'], PARAMS),
    ],
    [
      'headers null',
      () =>
        buildSignatureBase({ ...MESSAGE, headers: null as unknown as Record<string, string> }, ['a'], PARAMS),
    ],
    [
      '@target-uri absent',
      () =>
        buildSignatureBase(
          { ...MESSAGE, targetUri: undefined as unknown as string },
          ['@target-uri'],
          PARAMS,
        ),
    ],
    ['a method with a space', () => buildSignatureBase({ ...MESSAGE, method: 'GET /' }, ['@method'], PARAMS)],
    ['a path with a query', () => buildSignatureBase({ ...MESSAGE, path: '/a?b' }, ['@path'], PARAMS)],
    ['a relative path', () => buildSignatureBase({ ...MESSAGE, path: 'a/b' }, ['@path'], PARAMS)],
    ['a query with a fragment', () => buildSignatureBase({ ...MESSAGE, query: '?a#b' }, ['@query'], PARAMS)],
    ['a query without ?', () => buildSignatureBase({ ...MESSAGE, query: 'a=b' }, ['@query'], PARAMS)],
    [
      'an authority with a path',
      () => buildSignatureBase({ ...MESSAGE, authority: 'a/b' }, ['@authority'], PARAMS),
    ],
    [
      'an authority not a string',
      () => buildSignatureBase({ ...MESSAGE, authority: 1 as unknown as string }, ['@authority'], PARAMS),
    ],
    [
      'a message that is null',
      () => buildSignatureBase(null as unknown as SignableMessage, ['@method'], PARAMS),
    ],
    ['params null', () => buildSignatureBase(MESSAGE, ['@method'], null as unknown as SignatureParams)],
    ['created NaN', () => serializeSignatureParams([], { ...PARAMS, created: Number.NaN })],
    ['created fractional', () => serializeSignatureParams([], { ...PARAMS, created: 1.5 })],
    ['created negative', () => serializeSignatureParams([], { ...PARAMS, created: -1 })],
    [
      'expires Infinity',
      () => serializeSignatureParams([], { ...PARAMS, expires: Number.POSITIVE_INFINITY }),
    ],
    ['keyid empty', () => serializeSignatureParams([], { ...PARAMS, keyid: '' })],
    ['keyid not ASCII', () => serializeSignatureParams([], { ...PARAMS, keyid: 'clé' })],
    ['nonce with a line feed', () => serializeSignatureParams([], { ...PARAMS, nonce: 'a\nb' })],
    ['tag not a string', () => serializeSignatureParams([], { ...PARAMS, tag: 5 as unknown as string })],
  ];
  for (const [name, action] of cases) {
    test(name, async () => {
      await rejectsWith(action, 'SIGNATURE_MALFORMED');
    });
  }

  test('a 100 KB field value is covered as it is', () => {
    const big = 'v'.repeat(100 * 1024);
    const base = buildSignatureBase(
      { ...MESSAGE, headers: { 'x-big': `${' '.repeat(50_000)}${big}${' '.repeat(50_000)}` } },
      ['x-big'],
      PARAMS,
    );
    assert.ok(text(base).startsWith(`"x-big": ${big}\n`));
  });

  test('__proto__ in headers is an ordinary field', () => {
    const headers = JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, string>;
    assert.equal(
      text(buildSignatureBase({ ...MESSAGE, headers }, ['constructor'], { created: 1, keyid: 'k' })).split(
        '\n',
      )[0],
      '"constructor": c',
    );
    assert.equal(isSupportedComponent('__proto__'), true);
    assert.equal(
      text(buildSignatureBase({ ...MESSAGE, headers }, ['__proto__'], { created: 1, keyid: 'k' })).split(
        '\n',
      )[0],
      '"__proto__": p',
    );
  });
});
