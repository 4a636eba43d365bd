/**
 * Hostile input (see hostile-table.ts) for the helpers of the cable layer: bytes, hashing,
 * JSON conversion, dates, ranks, references, identifiers, the content cipher and Ed25519.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CableError, decoded } from '../../src/core/cable/cable-error.ts';
import { precedenceRank } from '../../src/core/cable/precedence.ts';
import { decodeReference, formatReference, parseReference } from '../../src/core/cable/reference.ts';
import type { ContentCipher } from '../../src/core/crypto/content-cipher.ts';
import { deriveContentCipher } from '../../src/core/crypto/content-cipher.ts';
import type { Signer } from '../../src/core/crypto/ed25519.ts';
import {
  exportSeed,
  generateSigner,
  signerFromKey,
  signerFromSeed,
  signLabelled,
  verifyLabelled,
} from '../../src/core/crypto/ed25519.ts';
import { CryptoError } from '../../src/core/crypto/hpke/crypto-error.ts';
import { sha256, sha256Stream } from '../../src/core/crypto/sha256.ts';
import {
  concatBytes,
  constantTimeEqual,
  fromBase64url,
  fromHex,
  fromUtf8,
  i2osp,
  randomBytes,
  toBase64url,
  toHex,
  utf8,
} from '../../src/core/encoding/bytes.ts';
import { formatDateTimeGroup, yearOf } from '../../src/core/encoding/date-time-group.ts';
import { EncodingError } from '../../src/core/encoding/encoding-error.ts';
import {
  decodeCableId,
  decodeDeviceId,
  decodeDigest,
  decodeEd25519PublicKey,
  decodeEd25519Signature,
  decodeGroup,
  decodeOrgId,
  decodeUserId,
  decodeXWingPublicKey,
} from '../../src/core/encoding/identifiers.ts';
import { toJsonValue } from '../../src/core/encoding/to-json.ts';
import { classificationRank, covers } from '../../src/core/identity/classification.ts';
import { T0 } from './fixtures/network.ts';
import type { Row } from './hostile-table.ts';
import { HOSTILE, runRow } from './hostile-table.ts';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const isString = (v: unknown) => typeof v === 'string';

let signer: Signer & { readonly privateKey: CryptoKey };
let signature: Uint8Array;
let cipher: ContentCipher;
let sealed: Uint8Array;

before(async () => {
  signer = await generateSigner(true);
  signature = await signLabelled(signer, 'label', bytes(3));
  cipher = await deriveContentCipher(bytes(32), 'label');
  sealed = await cipher.encrypt(cipher.nonce, bytes(5), bytes(2));
});

// A value the JSON data model has (and toJsonValue keeps, for the decoder to judge).
function isJsonLike(value: unknown): boolean {
  if (value === null || ['string', 'boolean'].includes(typeof value)) return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return HOSTILE.some(
    ([label, v]) =>
      v === value &&
      [
        '{}',
        '[]',
        'an array of numbers (where an object is expected)',
        'an array-like object (where an array is expected)',
        'a __proto__ key',
        'a constructor.prototype key',
        'a null-prototype object',
        'a huge array',
        'a look-alike directory',
      ].includes(label),
  );
}

const E = [EncodingError] as const;
const C = [CryptoError] as const;

const decoderRow = (name: string, decode: (v: unknown, f: string) => unknown, valid: unknown): Row => ({
  name,
  args: () => [valid, 'field'],
  call: (v, f) => decode(v, f as string),
  errors: E,
  // decode.ts builds these: its `field` must be a string (see the report), so only strings go there.
  fields: [1],
  accepts: (_v, path) => path === '1',
});

const ROWS: readonly Row[] = [
  // bytes.ts
  { name: 'toBase64url', args: () => [bytes(5)], call: (b) => toBase64url(b as never), errors: E },
  {
    name: 'fromBase64url',
    args: () => ['AQID'],
    call: (t) => fromBase64url(t as never),
    errors: E,
    channel: 'undefined',
    accepts: isString,
  },
  { name: 'utf8', args: () => ['text'], call: (t) => utf8(t as never), errors: E, accepts: isString },
  {
    name: 'fromUtf8',
    args: () => [bytes(3, 0x41)],
    call: (b) => fromUtf8(b as never),
    errors: E,
    channel: 'undefined',
  },
  {
    name: 'concatBytes',
    args: () => [bytes(2), bytes(3)],
    call: (a, b) => concatBytes(a as never, b as never),
    errors: E,
  },
  {
    name: 'i2osp',
    args: () => [5, 2],
    call: (v, l) => i2osp(v as never, l as never),
    errors: E,
    accepts: (v, path) => Object.is(v, -0) && path === '0',
  },
  {
    name: 'constantTimeEqual',
    args: () => [bytes(4), bytes(4)],
    call: (a, b) => constantTimeEqual(a as never, b as never),
    errors: E,
    channel: 'false',
  },
  { name: 'toHex', args: () => [bytes(4)], call: (b) => toHex(b as never), errors: E },
  {
    name: 'fromHex',
    args: () => ['0aff'],
    call: (h) => fromHex(h as never),
    errors: E,
    channel: 'undefined',
    accepts: isString,
  },
  {
    name: 'randomBytes',
    args: () => [16],
    call: (n) => randomBytes(n as never),
    errors: E,
    accepts: (v) => Object.is(v, -0),
  },
  // sha256.ts
  { name: 'sha256', args: () => [bytes(3)], call: (d) => sha256(d as never), errors: C },
  {
    name: 'sha256Stream().update',
    args: () => [bytes(3)],
    call: (d) => sha256Stream().update(d as never),
    errors: C,
  },
  // to-json.ts: JSON-like values are converted (the decoders judge them); nothing else is.
  {
    name: 'toJsonValue',
    args: () => [{ a: [bytes(2), 1, 'x', null, true] }],
    call: (v) => toJsonValue(v),
    errors: E,
    accepts: (v, path) => isJsonLike(v) || (path === '0.a' && v === undefined),
    check: (result) => assert.doesNotThrow(() => JSON.stringify(result)),
  },
  // date-time-group.ts
  { name: 'formatDateTimeGroup', args: () => [T0], call: (t) => formatDateTimeGroup(t as never), errors: E },
  { name: 'yearOf', args: () => [T0], call: (t) => yearOf(t as never), errors: E },
  // classification.ts, precedence.ts: ranks refuse, `covers` fails closed.
  {
    name: 'classificationRank',
    args: () => ['SECRET UE'],
    call: (l) => classificationRank(l as never),
    errors: E,
  },
  {
    name: 'covers',
    args: () => ['SECRET UE', 'RESTREINT UE'],
    call: (h, l) => covers(h as never, l as never),
    errors: E,
    channel: 'false',
  },
  { name: 'precedenceRank', args: () => ['FLASH'], call: (p) => precedenceRank(p as never), errors: E },
  // reference.ts
  {
    name: 'formatReference',
    args: () => [{ org: 'DE', serial: 42, year: 2026 }],
    call: (r) => formatReference(r as never),
    errors: E,
  },
  {
    name: 'parseReference',
    args: () => ['DE/42/26', 'reference'],
    call: (t, f) => parseReference(t, f as never),
    errors: E,
    accepts: (v, path) => path === '1' && (typeof v === 'string' || v === undefined),
  },
  {
    name: 'decodeReference',
    args: () => ['DE/42/26', 'replyTo'],
    call: (t, f) => decodeReference(t, f as never),
    errors: E,
    accepts: (v, path) => path === '1' && (typeof v === 'string' || v === undefined),
  },
  // identifiers.ts
  decoderRow('decodeOrgId', decodeOrgId, 'DE'),
  decoderRow('decodeGroup', decodeGroup, 'COEST'),
  decoderRow('decodeUserId', decodeUserId, 'de.anna'),
  decoderRow('decodeDeviceId', decodeDeviceId, toBase64url(bytes(16))),
  decoderRow('decodeCableId', decodeCableId, toBase64url(bytes(16))),
  decoderRow('decodeDigest', decodeDigest, toBase64url(bytes(32))),
  decoderRow('decodeEd25519PublicKey', decodeEd25519PublicKey, toBase64url(bytes(32))),
  decoderRow('decodeEd25519Signature', decodeEd25519Signature, toBase64url(bytes(64))),
  decoderRow('decodeXWingPublicKey', decodeXWingPublicKey, toBase64url(bytes(1216))),
  // cable-error.ts: `decoded` runs a function; anything else is a CableError.
  {
    name: 'decoded',
    args: () => [() => 1],
    call: (run) => decoded(run as never),
    errors: [CableError],
    accepts: (v) => typeof v === 'function',
  },
  // content-cipher.ts and the methods of the cipher it returns
  {
    name: 'deriveContentCipher',
    args: () => [bytes(32), 'label'],
    call: (s, l) => deriveContentCipher(s as never, l as never),
    errors: C,
    async: true,
    accepts: (v, path) => path === '1' && typeof v === 'string',
  },
  {
    name: 'ContentCipher#encrypt',
    args: () => [cipher.nonce, bytes(5), bytes(2)],
    call: (n, p, a) => cipher.encrypt(n as never, p as never, a as never),
    errors: C,
    async: true,
  },
  {
    name: 'ContentCipher#decrypt',
    args: () => [cipher.nonce, sealed, bytes(2)],
    call: (n, c, a) => cipher.decrypt(n as never, c as never, a as never),
    errors: C,
    async: true,
    channel: 'undefined',
  },
  // ed25519.ts and the method of the signer it returns
  {
    name: 'generateSigner',
    args: () => [false],
    call: (e) => generateSigner(e as never),
    errors: C,
    async: true,
    accepts: (v) => v === undefined || v === true,
  },
  {
    name: 'signerFromKey',
    args: () => [signer.privateKey, signer.publicKey],
    call: (k, p) => signerFromKey(k as never, p as never),
    errors: C,
  },
  {
    name: 'Signer#sign',
    args: () => [bytes(3)],
    call: (m) => signerFromKey(signer.privateKey, signer.publicKey).sign(m as never),
    errors: C,
    async: true,
  },
  {
    name: 'signerFromSeed',
    args: () => [bytes(32), false],
    call: (s, e) => signerFromSeed(s as never, e as never),
    errors: C,
    async: true,
    accepts: (v, path) => path === '1' && (v === undefined || v === true),
  },
  {
    name: 'exportSeed',
    args: () => [signer.privateKey],
    call: (k) => exportSeed(k as never),
    errors: C,
    async: true,
  },
  {
    name: 'signLabelled',
    args: () => [signer, 'label', bytes(3)],
    call: (s, l, m) => signLabelled(s as never, l as never, m as never),
    errors: C,
    async: true,
    opaque: [0],
    accepts: (v, path) => path === '1' && typeof v === 'string',
  },
  {
    name: 'verifyLabelled',
    args: () => [signer.publicKey, 'label', bytes(3), signature],
    call: (p, l, m, s) => verifyLabelled(p as never, l as never, m as never, s as never),
    errors: C,
    async: true,
    channel: 'false',
  },
];

describe('hostile input to the helpers of the cable layer', () => {
  for (const row of ROWS) {
    test(`${row.name}: hostile arguments give its typed error, never a bare one`, { timeout: 30_000 }, () =>
      runRow(row),
    );
  }

  test('covers fails closed: an unknown level is covered by nothing', () => {
    assert.equal(covers('SECRET UE', 'TRES SECRET UE' as never), false);
    assert.equal(covers('SECRET UE', 'SECRET UE'), true);
  });

  test('errors name the field: i2osp, formatReference and the Ed25519 seed', async () => {
    assert.throws(
      () => i2osp(256, 1),
      (e: unknown) => e instanceof EncodingError && e.field === 'value',
    );
    assert.throws(
      () => formatReference({ org: 'DE', serial: 0, year: 2026 }),
      (e: unknown) => e instanceof EncodingError && e.field === 'reference.serial',
    );
    await assert.rejects(
      signerFromSeed(bytes(31)),
      (e: unknown) => e instanceof CryptoError && e.code === 'BAD_KEY' && /seed/.test(e.message),
    );
  });

  test('a finished SHA-256 stream refuses more input with a CryptoError', () => {
    const stream = sha256Stream();
    stream.digest();
    assert.throws(() => stream.update(bytes(1)), CryptoError);
    assert.throws(() => stream.digest(), CryptoError);
  });
});
