import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../../../src/core/encoding/bytes.ts';
import { contentDigest } from '../../../src/core/wire/content-digest.ts';
import {
  cryptoKeySigner,
  type OutgoingRequest,
  type RequestSigner,
  type SignRequestOptions,
  signRequest,
} from '../../../src/core/wire/sign-request.ts';
import { parseDictionary } from '../../../src/core/wire/structured-field.ts';
import { verifyRequest } from '../../../src/core/wire/verify-request.ts';
import { DEVICES, freshNonce, NOW, nextSequence, rejectsWith, verifyOptions } from './wire-fixtures.ts';

const device = DEVICES[0]!;

function options(overrides: Partial<SignRequestOptions> = {}): SignRequestOptions {
  return {
    keyId: device.keyId,
    signer: cryptoKeySigner(device.privateKey),
    now: NOW,
    nonce: freshNonce(),
    sequence: nextSequence(),
    ...overrides,
  };
}

const POST: OutgoingRequest = {
  method: 'POST',
  url: 'https://valise.example/api/cables?org=CY',
  headers: { 'Content-Type': 'application/json' },
  body: utf8('{"subject":"COREU"}'),
};

describe('signRequest', () => {
  test('covers method, authority, path, query, digest, sequence and type, with the Valise parameters in order', async () => {
    const nonce = 'AAAAAAAAAAAAAAAAAAAAAA';
    const added = await signRequest(POST, options({ nonce, sequence: 42 }));
    assert.deepEqual(Object.keys(added), [
      'Content-Digest',
      'Valise-Sequence',
      'Signature-Input',
      'Signature',
    ]);
    assert.equal(added['Content-Digest'], contentDigest(POST.body!));
    assert.equal(added['Valise-Sequence'], '42');
    assert.equal(
      added['Signature-Input'],
      `sig1=("@method" "@authority" "@path" "@query" "content-digest" "valise-sequence" "content-type");created=${NOW};nonce="${nonce}";keyid="${device.keyId}";alg="ed25519";tag="valise-request-v1"`,
    );
    assert.match(added.Signature, /^sig1=:[A-Za-z0-9+/]{86}==:$/);
  });

  test('covers content-digest even without a body, and then not content-type', async () => {
    const added = await signRequest({ method: 'GET', url: 'https://valise.example/api/inbox' }, options());
    assert.equal(added['Content-Digest'], contentDigest(new Uint8Array(0)));
    assert.match(
      added['Signature-Input'],
      /^sig1=\("@method" "@authority" "@path" "@query" "content-digest" "valise-sequence"\);created=/,
    );
  });

  test('writes expires between created and nonce when given', async () => {
    const added = await signRequest(POST, options({ expires: NOW + 30 }));
    assert.match(added['Signature-Input'], new RegExp(`;created=${NOW};expires=${NOW + 30};nonce="`));
  });

  test('escapes quotes and backslashes in the key id, and the result verifies', async () => {
    const odd = DEVICES[2]!;
    assert.match(odd.keyId, /["\\]/);
    const added = await signRequest(
      POST,
      options({ keyId: odd.keyId, signer: cryptoKeySigner(odd.privateKey) }),
    );
    assert.ok(added['Signature-Input'].includes('keyid="device \\"quoted\\" \\\\ odd"'));
    const url = new URL(POST.url);
    const verified = await verifyRequest(
      {
        method: 'POST',
        authority: url.host,
        path: url.pathname,
        query: url.search,
        headers: {
          'content-type': 'application/json',
          'content-digest': added['Content-Digest'],
          'valise-sequence': added['Valise-Sequence'],
          'signature-input': added['Signature-Input'],
          signature: added.Signature,
        },
        body: POST.body!,
      },
      verifyOptions(),
    );
    assert.equal(verified.keyId, odd.keyId);
  });

  test('signs the method as fetch will send it', async () => {
    const lower = await signRequest(
      { ...POST, method: 'post' },
      options({ nonce: 'BBBBBBBBBBBBBBBBBBBBBB', sequence: 7 }),
    );
    const upper = await signRequest(
      { ...POST, method: 'POST' },
      options({ nonce: 'BBBBBBBBBBBBBBBBBBBBBB', sequence: 7 }),
    );
    assert.equal(lower.Signature, upper.Signature);
    const patch = await signRequest(
      { ...POST, method: 'patch' },
      options({ nonce: 'BBBBBBBBBBBBBBBBBBBBBB', sequence: 7 }),
    );
    const PATCH = await signRequest(
      { ...POST, method: 'PATCH' },
      options({ nonce: 'BBBBBBBBBBBBBBBBBBBBBB', sequence: 7 }),
    );
    assert.notEqual(patch.Signature, PATCH.Signature);
  });

  test('property: the signature is deterministic and changes with every covered input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(63), async (body, at) => {
        const nonce = 'CCCCCCCCCCCCCCCCCCCCCC';
        const first = await signRequest({ ...POST, body }, options({ nonce, sequence: 7 }));
        assert.deepEqual(await signRequest({ ...POST, body }, options({ nonce, sequence: 7 })), first);
        const flipped = new Uint8Array(body);
        flipped[at % body.length]! ^= 0x80;
        const other = await signRequest({ ...POST, body: flipped }, options({ nonce, sequence: 7 }));
        assert.notEqual(other['Content-Digest'], first['Content-Digest']);
        assert.notEqual(other.Signature, first.Signature);
      }),
      { numRuns: 200 },
    );
  });

  test('signs with a non-extractable key and any signer with sign(bytes)', async () => {
    assert.equal(device.privateKey.extractable, false);
    const calls: Uint8Array[] = [];
    const signer: RequestSigner = {
      async sign(message) {
        calls.push(message);
        return cryptoKeySigner(device.privateKey).sign(message);
      },
    };
    await signRequest(POST, options({ signer }));
    assert.equal(calls.length, 1);
    assert.ok(
      new TextDecoder().decode(calls[0]).startsWith('"@method": POST\n"@authority": valise.example\n'),
    );
  });
});

describe('signRequest hostile inputs give SIGNATURE_MALFORMED', () => {
  const badOptions: ReadonlyArray<[string, Partial<SignRequestOptions> | null]> = [
    ['no options', null],
    ['now NaN', { now: Number.NaN }],
    ['now Infinity', { now: Number.POSITIVE_INFINITY }],
    ['now in milliseconds with a fraction', { now: 1_750_000_000.5 }],
    ['now negative', { now: -1 }],
    ['now beyond 15 digits', { now: 10 ** 15 }],
    ['now as a string', { now: '1750000000' as unknown as number }],
    ['expires NaN', { expires: Number.NaN }],
    ['expires before now', { expires: NOW - 1 }],
    ['expires equal to now', { expires: NOW }],
    ['nonce too short', { nonce: 'abc' }],
    ['nonce too long', { nonce: 'a'.repeat(129) }],
    ['nonce with a quote', { nonce: `${'a'.repeat(20)}"` }],
    ['nonce not a string', { nonce: 12345 as unknown as string }],
    ['empty key id', { keyId: '' }],
    ['key id with a line feed', { keyId: 'device\n01' }],
    ['key id not ASCII', { keyId: 'appareil-é' }],
    ['key id of 100 KB', { keyId: 'k'.repeat(100 * 1024) }],
    ['key id not a string', { keyId: 7 as unknown as string }],
    ['no signer', { signer: undefined as unknown as RequestSigner }],
    ['signer without sign', { signer: {} as RequestSigner }],
    ['signer returning 63 bytes', { signer: { sign: async () => new Uint8Array(63) } }],
    ['signer returning a string', { signer: { sign: async () => 'sig' as unknown as Uint8Array } }],
  ];
  for (const [name, overrides] of badOptions) {
    test(`options: ${name}`, async () => {
      const opts = overrides === null ? (null as unknown as SignRequestOptions) : options(overrides);
      await rejectsWith(() => signRequest(POST, opts), 'SIGNATURE_MALFORMED');
    });
  }

  const badRequests: ReadonlyArray<[string, unknown]> = [
    ['no request', null],
    ['a string', 'POST https://valise.example/'],
    ['url missing', { ...POST, url: undefined }],
    ['url not absolute', { ...POST, url: '/api/cables' }],
    ['url garbage', { ...POST, url: 'http://[bad' }],
    ['url not http', { ...POST, url: 'ftp://valise.example/x' }],
    ['url with credentials', { ...POST, url: 'https://user:pw@valise.example/x' }],
    ['url as a number', { ...POST, url: 42 }],
    [
      'url object that throws',
      {
        ...POST,
        url: {
          toString: () => {
            throw new Error('boom');
          },
        },
      },
    ],
    ['method with a space', { ...POST, method: 'PO ST' }],
    ['method empty', { ...POST, method: '' }],
    ['method not a string', { ...POST, method: 1 }],
    ['body as a string', { ...POST, body: '{"a":1}' }],
    ['body as an array', { ...POST, body: [1, 2, 3] }],
    ['body without a content type', { ...POST, headers: {} }],
    ['content type not ASCII', { ...POST, headers: { 'content-type': 'text/plain; charset=ü' } }],
    ['content type with a line feed', { ...POST, headers: { 'content-type': 'text/plain\r\nX-Evil: 1' } }],
    ['content type twice', { ...POST, headers: { 'content-type': 'a/b', 'Content-Type': 'c/d' } }],
    ['content type as an array', { ...POST, headers: { 'content-type': ['a/b'] } }],
    ['headers not an object', { ...POST, headers: 'content-type: a/b' }],
    ['content type only inherited', { ...POST, headers: Object.create({ 'content-type': 'a/b' }) }],
  ];
  for (const [name, request] of badRequests) {
    test(`request: ${name}`, async () => {
      await rejectsWith(() => signRequest(request as OutgoingRequest, options()), 'SIGNATURE_MALFORMED');
    });
  }

  test('__proto__ and other odd header names are ignored, not followed', async () => {
    const headers = JSON.parse(
      '{"__proto__": {"content-type": "evil/type"}, "constructor": "x", "content-type": "application/json"}',
    );
    const added = await signRequest({ ...POST, headers }, options());
    assert.ok(added['Signature-Input'].includes('"content-type"'));
  });

  test('cryptoKeySigner refuses anything but an Ed25519 private key', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    for (const key of [device.publicKey, hmac, null, 'key', new Uint8Array(32)]) {
      await rejectsWith(() => cryptoKeySigner(key as CryptoKey), 'SIGNATURE_MALFORMED');
    }
  });

  test('the Signature-Input it writes is a valid dictionary with one member', async () => {
    const added = await signRequest(POST, options());
    assert.equal(parseDictionary(added['Signature-Input'])?.length, 1);
    assert.equal(parseDictionary(added.Signature)?.length, 1);
  });
});
