import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sha512 } from '@noble/hashes/sha2.js';
import { fromBase64url, utf8 } from '../../../src/core/encoding/bytes.ts';
import { contentDigest, matchesContentDigest } from '../../../src/core/wire/content-digest.ts';
import { cryptoKeySigner } from '../../../src/core/wire/sign-request.ts';
import { buildSignatureBase, serializeSignatureParams } from '../../../src/core/wire/signature-base.ts';
import { fromBase64, parseDictionary } from '../../../src/core/wire/structured-field.ts';
import vectors from '../../vectors/rfc9421.json' with { type: 'json' };

const key = vectors.testKeyEd25519;
const b26 = vectors.b26;

/** WebCrypto wants bytes over a plain ArrayBuffer. */
function bufferOf(base64: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(fromBase64(base64)!);
}

async function rfcPrivateKey(): Promise<CryptoKey> {
  // A non-extractable import: signing must not need the raw key bytes.
  return crypto.subtle.importKey('pkcs8', bufferOf(key.privateKeyPkcs8Base64), { name: 'Ed25519' }, false, [
    'sign',
  ]);
}

async function rfcPublicKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('spki', bufferOf(key.publicKeySpkiBase64), { name: 'Ed25519' }, false, [
    'verify',
  ]);
}

function b26Base(): Uint8Array {
  const request = vectors.testRequest;
  return buildSignatureBase(
    {
      method: request.method,
      authority: request.authority,
      path: request.path,
      query: request.query,
      headers: request.headers,
    },
    b26.components,
    b26.params,
  );
}

describe('RFC 9421 Appendix B.1.4 test-key-ed25519', () => {
  test('the PKCS#8 private key, the SPKI public key and the JWK are the same key', async () => {
    const pkcs8 = fromBase64(key.privateKeyPkcs8Base64)!;
    assert.deepEqual(pkcs8.slice(16), fromBase64url(key.jwk.d));
    const spki = fromBase64(key.publicKeySpkiBase64)!;
    assert.deepEqual(spki.slice(12), fromBase64url(key.jwk.x));
    const extractable = await crypto.subtle.importKey(
      'pkcs8',
      new Uint8Array(pkcs8),
      { name: 'Ed25519' },
      true,
      ['sign'],
    );
    const jwk = await crypto.subtle.exportKey('jwk', extractable);
    assert.equal(jwk.x, key.jwk.x);
  });
});

describe('RFC 9421 Appendix B.2.6: signing the test request with ed25519', () => {
  test('the signature base is byte for byte the published one', () => {
    assert.deepEqual(b26Base(), utf8(b26.signatureBaseLines.join('\n')));
  });

  test('the Signature-Input member value is the serialised signature parameters', () => {
    const value = serializeSignatureParams(b26.components, b26.params);
    assert.equal(`${b26.label}=${value}`, b26.signatureInput);
  });

  test('signing the base with a non-extractable test-key-ed25519 gives exactly the published signature', async () => {
    const signature = await cryptoKeySigner(await rfcPrivateKey()).sign(b26Base());
    const published = parseDictionary(b26.signature)?.[0]?.[1];
    assert.ok(published?.kind === 'item' && published.item.type === 'bytes');
    assert.deepEqual(signature, published.item.value);
  });

  test('the published signature verifies over the base and fails over a changed base', async () => {
    const publicKey = await rfcPublicKey();
    const published = parseDictionary(b26.signature)?.[0]?.[1];
    assert.ok(published?.kind === 'item' && published.item.type === 'bytes');
    const signature = new Uint8Array(published.item.value);
    assert.equal(
      await crypto.subtle.verify('Ed25519', publicKey, signature, new Uint8Array(b26Base())),
      true,
    );
    const changed = new Uint8Array(b26Base());
    changed[changed.length - 2]! ^= 1;
    assert.equal(await crypto.subtle.verify('Ed25519', publicKey, signature, changed), false);
  });

  test('the published Signature-Input parses to the published components and parameters', () => {
    const parsed = parseDictionary(b26.signatureInput);
    assert.ok(parsed?.length === 1);
    const [label, member] = parsed[0]!;
    assert.equal(label, b26.label);
    assert.ok(member.kind === 'inner-list');
    assert.deepEqual(
      member.items.map((i) => i.item.value),
      b26.components,
    );
    assert.deepEqual(member.params, [
      ['created', { type: 'integer', value: b26.params.created }],
      ['keyid', { type: 'string', value: b26.params.keyid }],
    ]);
  });
});

describe('RFC 9530 Content-Digest examples', () => {
  for (const example of vectors.contentDigest) {
    test(`${example.source}: computed and accepted`, () => {
      const body = utf8(example.body);
      assert.equal(contentDigest(body), example.contentDigest);
      assert.equal(matchesContentDigest(example.contentDigest, body), true);
    });
  }

  for (const example of vectors.refusedContentDigest) {
    test(`${example.source}`, () => {
      const body = utf8(example.body);
      // The published value is a correct SHA-512: the refusal is the profile, not a bad digest.
      const member = parseDictionary(example.contentDigest)?.[0]?.[1];
      assert.ok(member?.kind === 'item' && member.item.type === 'bytes');
      assert.deepEqual(member.item.value, sha512(body));
      assert.equal(matchesContentDigest(example.contentDigest, body), false);
    });
  }
});
