/**
 * An organisation's signing request (docs/design.md §5, "Organisation keys"): it round-trips
 * through its one line of text, verifies only when signed by the key it names, and anything
 * that is not one is an EncodingError (never a half-read request).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateSigner } from '../../../src/core/crypto/ed25519.ts';
import { toBase64url, utf8 } from '../../../src/core/encoding/bytes.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import {
  formatOrgKeyRequest,
  keyFingerprint,
  ORG_KEY_REQUEST_PREFIX,
  parseOrgKeyRequest,
  signOrgKeyRequest,
  verifyOrgKeyRequest,
} from '../../../src/core/identity/org-key-request.ts';

describe('organisation signing requests', () => {
  test('a request round-trips through its line and verifies', async () => {
    const key = await generateSigner();
    const request = await signOrgKeyRequest('DE', key);
    const line = formatOrgKeyRequest(request);
    assert.ok(line.startsWith(ORG_KEY_REQUEST_PREFIX));
    assert.doesNotMatch(line, /\s/);
    const back = parseOrgKeyRequest(`  ${line}\n`);
    assert.deepEqual(back, request);
    assert.equal(await verifyOrgKeyRequest(back), true);
    assert.match(keyFingerprint(key.publicKey), /^[0-9a-f]{4}( [0-9a-f]{4}){4}$/);
  });

  test('a request naming another key, or another organisation, does not verify', async () => {
    const key = await generateSigner();
    const other = await generateSigner();
    const request = await signOrgKeyRequest('DE', key);
    assert.equal(
      await verifyOrgKeyRequest({ ...request, body: { ...request.body, key: other.publicKey } }),
      false,
    );
    assert.equal(await verifyOrgKeyRequest({ ...request, body: { ...request.body, org: 'FR' } }), false);
    const flipped = new Uint8Array(request.signature);
    flipped[0] = flipped[0]! ^ 1;
    assert.equal(await verifyOrgKeyRequest({ ...request, signature: flipped }), false);
  });

  test('anything else is an EncodingError', async () => {
    const request = await signOrgKeyRequest('DE', await generateSigner());
    const body = formatOrgKeyRequest(request).slice(ORG_KEY_REQUEST_PREFIX.length);
    for (const text of [
      '',
      'valise-org-request:',
      body,
      `${ORG_KEY_REQUEST_PREFIX}!!!`,
      `${ORG_KEY_REQUEST_PREFIX}${toBase64url(utf8('{"body":{}}'))}`,
      `${ORG_KEY_REQUEST_PREFIX}${toBase64url(utf8('['.repeat(5000)))}`,
      `${ORG_KEY_REQUEST_PREFIX}${body}x`,
    ]) {
      assert.throws(() => parseOrgKeyRequest(text), EncodingError, JSON.stringify(text.slice(0, 40)));
    }
  });
});
