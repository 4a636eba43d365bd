import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { toBase64url, utf8 } from '../../../src/core/encoding/bytes.ts';
import { contentDigest } from '../../../src/core/wire/content-digest.ts';
import { MemoryNonceStore } from '../../../src/core/wire/memory-nonce-store.ts';
import type { NonceStore } from '../../../src/core/wire/nonce-store.ts';
import type { WireRequest } from '../../../src/core/wire/request-profile.ts';
import {
  RequestSignatureError,
  type RequestSignatureErrorCode,
} from '../../../src/core/wire/request-signature-error.ts';
import { cryptoKeySigner, signRequest } from '../../../src/core/wire/sign-request.ts';
import {
  buildSignatureBase,
  type SignatureParams,
  serializeSignatureParams,
} from '../../../src/core/wire/signature-base.ts';
import { serializeByteSequence } from '../../../src/core/wire/structured-field.ts';
import { verifyRequest } from '../../../src/core/wire/verify-request.ts';
import {
  DEVICES,
  type DeviceKey,
  freshNonce,
  JSON_POST,
  NOW,
  nextSequence,
  type PlainRequest,
  rejectsWith,
  resolverFor,
  signedWireRequest,
  verifyOptions,
} from './wire-fixtures.ts';

const RUNS = 1000;

const methodArb = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
const authorityArb = fc.constantFrom(
  'valise.example',
  'localhost:8080',
  'eu.valise.example:8443',
  '[::1]:9000',
);
const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/octet-stream',
  'text/plain; charset=utf-8',
);
const requestArb: fc.Arbitrary<PlainRequest> = fc
  .record({
    method: methodArb,
    authority: authorityArb,
    path: fc.webPath(),
    query: fc.option(fc.webQueryParameters(), { nil: undefined }),
    body: fc.uint8Array({ maxLength: 200 }),
    contentType: contentTypeArb,
  })
  .map(({ method, authority, path, query, body, contentType }) => ({
    method,
    url: `https://${authority}${path}${query === undefined ? '' : `?${query}`}`,
    body,
    ...(body.length > 0 ? { contentType } : {}),
  }));
const deviceArb = fc.constantFrom(...DEVICES);

function withHeaders(wire: WireRequest, changes: Record<string, string | undefined>): WireRequest {
  return { ...wire, headers: { ...wire.headers, ...changes } };
}

/** Signs arbitrary (possibly non-Valise) parameters over `request`, for tests of the checks after parsing. */
async function signCustom(
  request: PlainRequest,
  device: DeviceKey,
  components: readonly string[],
  params: SignatureParams,
  fields: Record<string, string> = {},
): Promise<WireRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {
    'content-digest': contentDigest(request.body),
    'valise-sequence': String(nextSequence()),
    ...fields,
  };
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  const wire = {
    method: request.method,
    authority: url.host,
    path: url.pathname,
    query: url.search,
    headers,
    body: request.body,
  };
  const base = buildSignatureBase(wire, components, params);
  const signature = new Uint8Array(
    await crypto.subtle.sign('Ed25519', device.privateKey, new Uint8Array(base)),
  );
  return withHeaders(wire, {
    'signature-input': `sig1=${serializeSignatureParams(components, params)}`,
    signature: `sig1=${serializeByteSequence(signature)}`,
  });
}

const FULL = [
  '@method',
  '@authority',
  '@path',
  '@query',
  'content-digest',
  'valise-sequence',
  'content-type',
];
function validParams(overrides: Partial<SignatureParams> = {}): SignatureParams {
  return {
    created: NOW,
    nonce: freshNonce(),
    keyid: DEVICES[0]!.keyId,
    alg: 'ed25519',
    tag: 'valise-request-v1',
    ...overrides,
  };
}

describe('verifyRequest accepts what signRequest signs', () => {
  test('property: verify(sign(r)) gives the signing key, time, nonce and sequence number', async () => {
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        deviceArb,
        fc.integer({ min: -5, max: 60 }),
        async (request, device, age) => {
          const nonce = freshNonce();
          const { wire, added } = await signedWireRequest(request, device, NOW - age, nonce);
          const verified = await verifyRequest(wire, verifyOptions());
          const sequence = Number(added['Valise-Sequence']);
          assert.deepEqual(verified, { keyId: device.keyId, created: NOW - age, nonce, sequence });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the default window is 60 s back and 5 s ahead, both ends included', async () => {
    for (const created of [NOW - 60, NOW + 5]) {
      const { wire } = await signedWireRequest(JSON_POST, DEVICES[0], created);
      await verifyRequest(wire, verifyOptions());
    }
  });

  test('a request without a body is signed and verified without content-type', async () => {
    const { wire, added } = await signedWireRequest({
      method: 'GET',
      url: 'https://valise.example/api/inbox',
      body: new Uint8Array(0),
    });
    assert.equal(added['Signature-Input'].includes('content-type'), false);
    assert.ok(added['Signature-Input'].includes('"content-digest"'));
    await verifyRequest(wire, verifyOptions());
  });

  test('header names are matched whatever their case, and whitespace around field values is ignored', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(wire.headers))
      headers[name.toUpperCase()] = ` ${value ?? ''}\t`;
    await verifyRequest({ ...wire, headers }, verifyOptions());
  });
});

describe('the request sequence number (clone detection, docs/design.md §9)', () => {
  test('a changed Valise-Sequence does not verify: the number is covered by the signature', async () => {
    const { wire, added } = await signedWireRequest(JSON_POST);
    const other = String(Number(added['Valise-Sequence']) + 1);
    await rejectsWith(
      () => verifyRequest(withHeaders(wire, { 'valise-sequence': other }), verifyOptions()),
      'SIGNATURE_INVALID',
    );
  });

  test('a request without Valise-Sequence is COMPONENTS_INCOMPLETE', async () => {
    const request = { ...JSON_POST };
    const wire = await signCustom(
      request,
      DEVICES[0]!,
      FULL.filter((c) => c !== 'valise-sequence'),
      validParams(),
    );
    await rejectsWith(() => verifyRequest(wire, verifyOptions()), 'COMPONENTS_INCOMPLETE');
  });

  for (const bad of ['0', '-1', '1.5', 'abc', '', '01', '1234567890123456', '1, 2']) {
    test(`Valise-Sequence ${JSON.stringify(bad)}, even signed, is SIGNATURE_MALFORMED`, async () => {
      const wire = await signCustom(JSON_POST, DEVICES[0]!, FULL, validParams(), { 'valise-sequence': bad });
      await rejectsWith(() => verifyRequest(wire, verifyOptions()), 'SIGNATURE_MALFORMED');
    });
  }

  test('signRequest refuses a sequence number that is not a positive 15-digit integer', async () => {
    for (const sequence of [0, -1, 1.5, Number.NaN, 1e15, 2 ** 53]) {
      await rejectsWith(
        () =>
          signRequest(
            { method: 'GET', url: 'https://valise.example/api/v1/inbox' },
            {
              keyId: DEVICES[0]!.keyId,
              signer: cryptoKeySigner(DEVICES[0]!.privateKey),
              now: NOW,
              nonce: freshNonce(),
              sequence,
            },
          ),
        'SIGNATURE_MALFORMED',
      );
    }
  });
});

describe('verifyRequest refuses a request whose covered parts changed', () => {
  const tamperings: ReadonlyArray<{
    name: string;
    code: RequestSignatureErrorCode;
    change: (w: WireRequest) => WireRequest | undefined;
  }> = [
    {
      name: 'method',
      code: 'SIGNATURE_INVALID',
      change: (w) => ({ ...w, method: w.method === 'PUT' ? 'POST' : 'PUT' }),
    },
    { name: 'path', code: 'SIGNATURE_INVALID', change: (w) => ({ ...w, path: `${w.path}x` }) },
    {
      name: 'query',
      code: 'SIGNATURE_INVALID',
      change: (w) => ({ ...w, query: w.query === '?a=1' ? '?a=2' : '?a=1' }),
    },
    {
      name: 'query dropped',
      code: 'SIGNATURE_INVALID',
      change: (w) => (w.query === '' ? undefined : { ...w, query: '' }),
    },
    {
      name: 'authority',
      code: 'SIGNATURE_INVALID',
      change: (w) => ({ ...w, authority: `evil.${w.authority}` }),
    },
    {
      name: 'a body byte',
      code: 'DIGEST_MISMATCH',
      change: (w) => {
        if (w.body.length === 0) return undefined;
        const body = new Uint8Array(w.body);
        body[body.length >> 1]! ^= 0x01;
        return { ...w, body };
      },
    },
    {
      name: 'a body added to a request signed without one',
      code: 'COMPONENTS_INCOMPLETE',
      change: (w) =>
        w.body.length > 0
          ? undefined
          : withHeaders({ ...w, body: utf8('{}') }, { 'content-type': 'application/json' }),
    },
    {
      name: 'body and its digest replaced together',
      code: 'SIGNATURE_INVALID',
      change: (w) => {
        if (w.body.length === 0) return undefined;
        const body = utf8('{"forged":true}');
        return withHeaders({ ...w, body }, { 'content-digest': contentDigest(body) });
      },
    },
    {
      name: 'content-type',
      code: 'SIGNATURE_INVALID',
      change: (w) => (w.body.length === 0 ? undefined : withHeaders(w, { 'content-type': 'text/html' })),
    },
    {
      name: 'content-type removed',
      code: 'SIGNATURE_INVALID',
      change: (w) => (w.body.length === 0 ? undefined : withHeaders(w, { 'content-type': undefined })),
    },
    {
      name: 'content-digest removed',
      code: 'DIGEST_MISMATCH',
      change: (w) => withHeaders(w, { 'content-digest': undefined }),
    },
  ];

  test('property: changing any covered component gives the code for that component', async () => {
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        deviceArb,
        fc.constantFrom(...tamperings),
        async (request, device, tampering) => {
          const { wire } = await signedWireRequest(request, device);
          const changed = tampering.change(wire);
          fc.pre(changed !== undefined);
          await rejectsWith(() => verifyRequest(changed, verifyOptions()), tampering.code);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a failed request does not burn its nonce: the untouched original still verifies once', async () => {
    const nonces = new MemoryNonceStore({ now: () => NOW });
    const { wire } = await signedWireRequest(JSON_POST);
    await rejectsWith(
      () => verifyRequest({ ...wire, path: '/api/admin' }, verifyOptions({ nonces })),
      'SIGNATURE_INVALID',
    );
    await rejectsWith(
      () => verifyRequest(wire, verifyOptions({ nonces, resolveKey: async () => undefined })),
      'UNKNOWN_KEY',
    );
    assert.equal(nonces.size, 0);
    await verifyRequest(wire, verifyOptions({ nonces }));
    await rejectsWith(() => verifyRequest(wire, verifyOptions({ nonces })), 'REPLAYED');
  });
});

describe('verifyRequest refuses replays, stale and future requests', () => {
  test('property: the same request verified twice within the window is REPLAYED', async () => {
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        deviceArb,
        fc.integer({ min: 0, max: 60 }),
        async (request, device, later) => {
          const { wire } = await signedWireRequest(request, device);
          let clock = NOW;
          const nonces = new MemoryNonceStore({ now: () => clock });
          await verifyRequest(wire, verifyOptions({ nonces }));
          clock = NOW + later;
          await rejectsWith(() => verifyRequest(wire, verifyOptions({ nonces, now: clock })), 'REPLAYED');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('property: created older than maxAge is STALE', async () => {
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 10_000 }),
        async (request, maxAge, excess) => {
          const { wire } = await signedWireRequest(request, DEVICES[1], NOW - maxAge - excess);
          await rejectsWith(() => verifyRequest(wire, verifyOptions({ maxAgeSeconds: maxAge })), 'STALE');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('property: created beyond the allowed skew is FROM_FUTURE', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 100_000 }),
        async (skew, excess) => {
          const { wire } = await signedWireRequest(JSON_POST, DEVICES[0], NOW + skew + excess);
          await rejectsWith(
            () => verifyRequest(wire, verifyOptions({ maxSkewSeconds: skew })),
            'FROM_FUTURE',
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a signature past its own expires is STALE even inside maxAge', async () => {
    const wire = await signCustom(
      JSON_POST,
      DEVICES[0]!,
      FULL,
      validParams({ created: NOW - 10, expires: NOW - 1 }),
    );
    await rejectsWith(() => verifyRequest(wire, verifyOptions()), 'STALE');
  });

  test('the nonce is kept only as long as the request could be fresh', async () => {
    const consumed: number[] = [];
    const nonces: NonceStore = {
      async consume(_keyId, _nonce, expiresAt) {
        consumed.push(expiresAt);
        return true;
      },
    };
    const { wire } = await signedWireRequest(JSON_POST, DEVICES[0], NOW - 7);
    await verifyRequest(wire, verifyOptions({ nonces, maxAgeSeconds: 30 }));
    const expiring = await signCustom(
      JSON_POST,
      DEVICES[0]!,
      FULL,
      validParams({ created: NOW, expires: NOW + 3 }),
    );
    await verifyRequest(expiring, verifyOptions({ nonces }));
    assert.deepEqual(consumed, [NOW - 7 + 30, NOW + 3]);
  });
});

describe('verifyRequest refuses other keys', () => {
  test('property: a key that did not sign gives SIGNATURE_INVALID, an unknown key id UNKNOWN_KEY', async () => {
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 2 }),
        async (request, signerIndex, shift) => {
          const signer = DEVICES[signerIndex]!;
          const other = DEVICES[(signerIndex + shift) % DEVICES.length]!;
          const { wire } = await signedWireRequest(request, signer);
          // The store maps the signer's key id to another device's key.
          const swapped = resolverFor(
            DEVICES.map((d) => (d === signer ? { ...other, keyId: signer.keyId } : d)),
          );
          await rejectsWith(
            () => verifyRequest(wire, verifyOptions({ resolveKey: swapped })),
            'SIGNATURE_INVALID',
          );
          const without = resolverFor(DEVICES.filter((d) => d !== signer));
          await rejectsWith(() => verifyRequest(wire, verifyOptions({ resolveKey: without })), 'UNKNOWN_KEY');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a key id that names another device does not verify: the key id is covered', async () => {
    const { wire } = await signedWireRequest(JSON_POST, DEVICES[0]);
    const input = wire.headers['signature-input']!.replace(DEVICES[0]!.keyId, DEVICES[1]!.keyId);
    await rejectsWith(
      () => verifyRequest(withHeaders(wire, { 'signature-input': input }), verifyOptions()),
      'SIGNATURE_INVALID',
    );
  });

  test('unusable keys on record are UNKNOWN_KEY, not a crash', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    const bad: unknown[] = [
      new Uint8Array(31),
      new Uint8Array(33),
      DEVICES[0]!.privateKey,
      'a string',
      42,
      {},
      null,
    ];
    for (const key of bad) {
      await rejectsWith(
        () => verifyRequest(wire, verifyOptions({ resolveKey: async () => key as CryptoKey })),
        'UNKNOWN_KEY',
      );
    }
  });
});

describe('verifyRequest checks in the documented order', () => {
  test('tag and algorithm are checked before freshness, freshness before the key store', async () => {
    let lookedUp = 0;
    const counting = async (keyId: string) => {
      lookedUp++;
      return resolverFor(DEVICES)(keyId);
    };
    const staleWrongTag = await signCustom(
      JSON_POST,
      DEVICES[0]!,
      FULL,
      validParams({ created: NOW - 3600, tag: 'other' }),
    );
    await rejectsWith(
      () => verifyRequest(staleWrongTag, verifyOptions({ resolveKey: counting })),
      'WRONG_TAG',
    );
    const staleWrongAlg = await signCustom(
      JSON_POST,
      DEVICES[0]!,
      FULL,
      validParams({ created: NOW - 3600, alg: 'hmac-sha256' }),
    );
    await rejectsWith(
      () => verifyRequest(staleWrongAlg, verifyOptions({ resolveKey: counting })),
      'WRONG_ALG',
    );
    const staleUnknown = await signCustom(
      JSON_POST,
      DEVICES[0]!,
      FULL,
      validParams({ created: NOW - 3600, keyid: 'nobody' }),
    );
    await rejectsWith(() => verifyRequest(staleUnknown, verifyOptions({ resolveKey: counting })), 'STALE');
    assert.equal(lookedUp, 0);
  });

  test('components are checked before the tag', async () => {
    const wire = await signCustom(
      JSON_POST,
      DEVICES[0]!,
      ['@method', '@path', 'content-digest'],
      validParams({ tag: 'other' }),
    );
    await rejectsWith(() => verifyRequest(wire, verifyOptions()), 'COMPONENTS_INCOMPLETE');
  });

  test('the digest is checked before the signature', async () => {
    const { wire } = await signedWireRequest(JSON_POST, DEVICES[0]);
    const forged = { ...wire, body: utf8('{"subject":"forged"}') };
    await rejectsWith(
      () =>
        verifyRequest(
          forged,
          verifyOptions({ resolveKey: resolverFor([{ ...DEVICES[1]!, keyId: DEVICES[0]!.keyId }]) }),
        ),
      'DIGEST_MISMATCH',
    );
  });

  test('a missing tag is WRONG_TAG and a missing alg is WRONG_ALG', async () => {
    const { tag: _t, ...noTag } = validParams();
    await rejectsWith(
      async () => verifyRequest(await signCustom(JSON_POST, DEVICES[0]!, FULL, noTag), verifyOptions()),
      'WRONG_TAG',
    );
    const { alg: _a, ...noAlg } = validParams();
    await rejectsWith(
      async () => verifyRequest(await signCustom(JSON_POST, DEVICES[0]!, FULL, noAlg), verifyOptions()),
      'WRONG_ALG',
    );
  });

  test('each required component, left out, is COMPONENTS_INCOMPLETE', async () => {
    for (const left of FULL) {
      const wire = await signCustom(
        JSON_POST,
        DEVICES[0]!,
        FULL.filter((c) => c !== left),
        validParams(),
      );
      await rejectsWith(() => verifyRequest(wire, verifyOptions()), 'COMPONENTS_INCOMPLETE');
    }
  });
});

describe('verifyRequest hostile inputs give the typed error, never a crash', () => {
  const big = 'a'.repeat(100 * 1024);
  const sig64 = `sig1=${serializeByteSequence(new Uint8Array(64))}`;
  const goodInput = () => `sig1=${serializeSignatureParams(FULL, validParams())}`;

  const headerCases: ReadonlyArray<{
    name: string;
    code: RequestSignatureErrorCode;
    headers: (valid: WireRequest['headers']) => Record<string, unknown>;
  }> = [
    { name: 'no headers at all', code: 'SIGNATURE_MISSING', headers: () => ({}) },
    { name: 'no Signature', code: 'SIGNATURE_MISSING', headers: (h) => ({ ...h, signature: undefined }) },
    {
      name: 'no Signature-Input',
      code: 'SIGNATURE_MISSING',
      headers: (h) => ({ ...h, 'signature-input': undefined }),
    },
    {
      name: 'empty signature fields',
      code: 'SIGNATURE_MISSING',
      headers: (h) => ({ ...h, signature: '', 'signature-input': '' }),
    },
    {
      name: '100 KB Signature-Input',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': `sig1=("${big}")` }),
    },
    {
      name: '100 KB Signature',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: `sig1=:${'A'.repeat(100 * 1024)}:` }),
    },
    {
      name: 'just over 4 KiB Signature-Input',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': `${h['signature-input']};${' '.repeat(4096)}` }),
    },
    {
      name: '100 KB Content-Digest',
      code: 'DIGEST_MISMATCH',
      headers: (h) => ({ ...h, 'content-digest': `sha-256=:${big}:` }),
    },
    {
      name: '100 KB Content-Type',
      code: 'SIGNATURE_INVALID',
      headers: (h) => ({ ...h, 'content-type': big }),
    },
    {
      name: 'garbage Signature-Input',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': '(((;;;===' }),
    },
    {
      name: 'unterminated inner list',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': 'sig1=("@method"' }),
    },
    {
      name: 'label without value',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': 'sig1' }),
    },
    {
      name: 'non-ASCII in Signature-Input',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': 'sig1=("@méthod");created=1' }),
    },
    {
      name: 'control character in a string',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': 'sig1=("@method\u0000")' }),
    },
    {
      name: 'duplicate label',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': `${h['signature-input']}, ${h['signature-input']}` }),
    },
    {
      name: 'two signatures',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': `${h['signature-input']}, ${h['signature-input']!.replace('sig1', 'sig2')}`,
      }),
    },
    {
      name: 'two Signature members',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: `${h.signature}, ${h.signature!.replace('sig1', 'sig2')}` }),
    },
    {
      name: 'another label',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace('sig1', 'sig2'),
        signature: h.signature!.replace('sig1', 'sig2'),
      }),
    },
    {
      name: 'Signature label differs from Signature-Input',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: h.signature!.replace('sig1', 'sig2') }),
    },
    {
      name: 'unknown parameter',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': `${h['signature-input']};foo=1` }),
    },
    {
      name: 'repeated parameter',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': `${h['signature-input']};created=1` }),
    },
    {
      name: 'parameters out of order',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': `sig1=("@method");keyid="x";created=${NOW}` }),
    },
    {
      name: 'created as a string',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(`created=${NOW}`, `created="${NOW}"`),
      }),
    },
    {
      name: 'created as a decimal',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(`created=${NOW}`, `created=${NOW}.5`),
      }),
    },
    {
      name: 'created with 16 digits',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(`created=${NOW}`, 'created=1000000000000000'),
      }),
    },
    {
      name: 'created NaN',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(`created=${NOW}`, 'created=NaN'),
      }),
    },
    {
      name: 'created negative',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(`created=${NOW}`, 'created=-1'),
      }),
    },
    {
      name: 'created with leading zeros',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(`created=${NOW}`, `created=0${NOW}`),
      }),
    },
    {
      name: 'created missing',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': h['signature-input']!.replace(`;created=${NOW}`, '') }),
    },
    {
      name: 'nonce missing',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': h['signature-input']!.replace(/;nonce="[^"]*"/, '') }),
    },
    {
      name: 'nonce too short',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(/;nonce="[^"]*"/, ';nonce="abc"'),
      }),
    },
    {
      name: 'keyid missing',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': h['signature-input']!.replace(/;keyid="[^"]*"/, '') }),
    },
    {
      name: 'keyid empty',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(/;keyid="[^"]*"/, ';keyid=""'),
      }),
    },
    {
      name: 'keyid as a token',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(/;keyid="[^"]*"/, ';keyid=dev'),
      }),
    },
    {
      name: 'expires before created',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace(
          `created=${NOW}`,
          `created=${NOW};expires=${NOW - 1}`,
        ),
      }),
    },
    {
      name: 'component with a parameter',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace('"@method"', '"@method";sf'),
      }),
    },
    {
      name: 'component as a token',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace('"content-type"', 'content-type'),
      }),
    },
    {
      name: 'component listed twice',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace('"@method"', '"@method" "@method"'),
      }),
    },
    {
      name: 'component Valise does not sign',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace('"@method"', '"@method" "date"'),
      }),
    },
    {
      name: '@target-uri instead of path and query',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({
        ...h,
        'signature-input': h['signature-input']!.replace('"@path" "@query"', '"@target-uri"'),
      }),
    },
    {
      name: 'Signature-Input as a plain item',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': '"sig1"' }),
    },
    {
      name: 'Signature of 63 bytes',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: `sig1=${serializeByteSequence(new Uint8Array(63))}` }),
    },
    {
      name: 'Signature without padding',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: h.signature!.replace('==:', ':') }),
    },
    {
      name: 'Signature in base64url',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: `sig1=:${toBase64url(new Uint8Array(64).fill(0xfb))}:` }),
    },
    {
      name: 'Signature as a string',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: 'sig1="abc"' }),
    },
    {
      name: 'Signature with a parameter',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, signature: `${h.signature};x=1` }),
    },
    {
      name: 'an all-zero signature',
      code: 'SIGNATURE_INVALID',
      headers: (h) => ({ ...h, signature: sig64 }),
    },
    {
      name: 'Signature-Input twice under two casings',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'Signature-Input': h['signature-input'] }),
    },
    {
      name: 'Signature-Input as an array',
      code: 'SIGNATURE_MALFORMED',
      headers: (h) => ({ ...h, 'signature-input': [h['signature-input'], h['signature-input']] }),
    },
    { name: 'Signature as a number', code: 'SIGNATURE_MALFORMED', headers: (h) => ({ ...h, signature: 42 }) },
    {
      name: 'Content-Digest as an array',
      code: 'DIGEST_MISMATCH',
      headers: (h) => ({ ...h, 'content-digest': [h['content-digest']] }),
    },
    {
      name: 'Content-Digest garbage',
      code: 'DIGEST_MISMATCH',
      headers: (h) => ({ ...h, 'content-digest': 'sha-256=:not base64:' }),
    },
    {
      name: 'Content-Digest with a second member',
      code: 'DIGEST_MISMATCH',
      headers: (h) => ({ ...h, 'content-digest': `${h['content-digest']}, sha-512=:AA==:` }),
    },
    {
      name: 'another signature with this key and a wrong tag',
      code: 'WRONG_TAG',
      headers: (h) => ({
        ...h,
        'signature-input': goodInput().replace('valise-request-v1', 'valise-cable-v1'),
      }),
    },
  ];

  for (const { name, code, headers } of headerCases) {
    test(`${name} → ${code}`, async () => {
      const { wire } = await signedWireRequest(JSON_POST);
      const hostile = { ...wire, headers: headers(wire.headers) as WireRequest['headers'] };
      await rejectsWith(() => verifyRequest(hostile, verifyOptions()), code);
    });
  }

  test('__proto__, constructor and prototype header names are plain keys', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    const text = JSON.stringify(wire.headers).replace(
      /^\{/,
      '{"__proto__":"x","constructor":"y","prototype":"z","hasOwnProperty":"w",',
    );
    const headers = JSON.parse(text) as WireRequest['headers'];
    assert.ok(Object.hasOwn(headers, '__proto__'));
    await verifyRequest({ ...wire, headers }, verifyOptions());
    const nullProto = Object.assign(Object.create(null) as Record<string, string>, wire.headers);
    await verifyRequest({ ...wire, headers: nullProto }, verifyOptions());
  });

  test('inherited header fields are not read: only own keys count', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    const inherited = Object.create(wire.headers) as WireRequest['headers'];
    await rejectsWith(
      () => verifyRequest({ ...wire, headers: inherited }, verifyOptions()),
      'SIGNATURE_MISSING',
    );
    const onlyProto = JSON.parse(`{"__proto__": ${JSON.stringify(wire.headers)}}`) as WireRequest['headers'];
    await rejectsWith(
      () => verifyRequest({ ...wire, headers: onlyProto }, verifyOptions()),
      'SIGNATURE_MISSING',
    );
  });

  test('a malformed request object is a programmer error (TypeError), never a client code', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    const cases: unknown[] = [
      null,
      undefined,
      'GET /',
      { ...wire, body: 'text' },
      { ...wire, body: undefined },
      { ...wire, headers: null },
      { ...wire, headers: 'signature: x' },
      { ...wire, headers: [] },
      { ...wire, method: undefined },
      { ...wire, path: 42 },
      { ...wire, query: null },
      { ...wire, authority: {} },
    ];
    for (const request of cases) {
      await assert.rejects(
        () => verifyRequest(request as WireRequest, verifyOptions()),
        (error) => error instanceof TypeError && !(error instanceof RequestSignatureError),
        JSON.stringify(request),
      );
    }
  });

  test('a path or query no signature can cover is SIGNATURE_INVALID', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    for (const changed of [
      { ...wire, path: '/api/cables\u0000' },
      { ...wire, path: '/api/cäbles' },
      { ...wire, path: 'api/cables' },
      { ...wire, query: 'org=CY' },
      { ...wire, query: '?org=CY#frag' },
      { ...wire, method: 'PO ST' },
      { ...wire, authority: 'valise.example/evil' },
      { ...wire, path: `/${'a'.repeat(100 * 1024)}` },
    ]) {
      await rejectsWith(() => verifyRequest(changed, verifyOptions()), 'SIGNATURE_INVALID');
    }
  });

  test('NaN, infinite or negative times and windows are programmer errors (TypeError), not STALE', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    for (const overrides of [
      { now: Number.NaN },
      { now: Number.POSITIVE_INFINITY },
      { now: -1 },
      { now: '1750000000' as unknown as number },
      { maxAgeSeconds: Number.NaN },
      { maxAgeSeconds: -1 },
      { maxSkewSeconds: Number.NaN },
      { maxSkewSeconds: Number.POSITIVE_INFINITY },
    ]) {
      await assert.rejects(() => verifyRequest(wire, verifyOptions(overrides)), TypeError);
    }
    await assert.rejects(
      () => verifyRequest(wire, null as unknown as ReturnType<typeof verifyOptions>),
      TypeError,
    );
  });

  test('missing collaborators are programmer errors (TypeError), not client codes', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    await assert.rejects(
      () =>
        verifyRequest(wire, verifyOptions({ resolveKey: undefined as unknown as () => Promise<undefined> })),
      TypeError,
    );
    await assert.rejects(() => verifyRequest(wire, verifyOptions({ nonces: {} as NonceStore })), TypeError);
  });

  test('failures of the key store itself propagate unchanged', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    const outage = new Error('database unavailable');
    await assert.rejects(
      () =>
        verifyRequest(
          wire,
          verifyOptions({
            resolveKey: async () => {
              throw outage;
            },
          }),
        ),
      (error) => error === outage,
    );
  });

  test('property: arbitrary strings as signature fields never escape as anything but a RequestSignatureError', async () => {
    const { wire } = await signedWireRequest(JSON_POST);
    const fieldArb = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc
        .constantFrom(wire.headers['signature-input']!, wire.headers.signature!)
        .chain((valid) =>
          fc
            .tuple(fc.nat(valid.length), fc.string({ maxLength: 5 }))
            .map(([at, insert]) => valid.slice(0, at) + insert + valid.slice(at + 1)),
        ),
    );
    await fc.assert(
      fc.asyncProperty(fieldArb, fc.boolean(), async (field, which) => {
        const hostile = withHeaders(wire, which ? { 'signature-input': field } : { signature: field });
        try {
          await verifyRequest(hostile, verifyOptions());
        } catch (error) {
          assert.ok(error instanceof RequestSignatureError, String(error));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
