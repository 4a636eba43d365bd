/**
 * Hostile input (see hostile-table.ts) for the decoders and encoders of the cable model:
 * content, header, certificates and the sealed cable. Decoders refuse with an EncodingError;
 * encoders hold their model value to the format before encoding or hashing it.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeAttachmentDescriptor, decodeCableContent } from '../../../src/core/cable/cable-content.ts';
import type { CableHeader } from '../../../src/core/cable/cable-header.ts';
import {
  cableHash,
  decodeCableEnvelope,
  decodeCableHeader,
  encodeHeader,
  envelopeHash,
  envelopeOf,
} from '../../../src/core/cable/cable-header.ts';
import { sealCable } from '../../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../../src/core/cable/sealed-cable.ts';
import {
  decodeKeyWrap,
  decodeSealedCable,
  encodeSealedCable,
  forDevice,
} from '../../../src/core/cable/sealed-cable.ts';
import { CryptoError } from '../../../src/core/crypto/hpke/crypto-error.ts';
import type { JsonValue } from '../../../src/core/encoding/canonical-json.ts';
import { canonicalize } from '../../../src/core/encoding/canonical-json.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';
import type { OrgCertificate, SignedEntry } from '../../../src/core/identity/certificate.ts';
import {
  decodeCertificateBody,
  decodeDeviceCertificate,
  decodeNetworkName,
  decodeOrgCertificate,
  decodeRevocation,
  decodeSignedEntries,
  decodeSignedEntry,
  decodeUserCertificate,
  requireSorted,
} from '../../../src/core/identity/certificate.ts';
import { certificateBytes, issueCertificate } from '../../../src/core/identity/issue-certificate.ts';
import { verifyCertificate } from '../../../src/core/identity/verify-certificate.ts';
import { buildCableNetwork } from '../fixtures/cable-network.ts';
import type { FixtureNetwork } from '../fixtures/network.ts';
import { T0 } from '../fixtures/network.ts';
import type { Row } from '../hostile-table.ts';
import { runRow } from '../hostile-table.ts';

const E = [EncodingError] as const;

let net: FixtureNetwork;
let cable: SealedCable;
let header: CableHeader;
let cableJson: { readonly [k: string]: JsonValue };
let orgEntry: SignedEntry<OrgCertificate>;
let userEntry: SignedEntry;
let deviceEntry: SignedEntry;
let revocation: SignedEntry;

before(async () => {
  net = await buildCableNetwork();
  const anna = net.devicesOf('de.anna')[0]!;
  cable = await sealCable({
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'PRIORITY',
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
      replyTo: 'FR/7/26',
      silenceDeadline: T0 + 3600,
      sentAt: T0,
    },
    content: { subject: 'Instructions', tags: ['COEST'], body: 'Monday.' },
    sender: { user: anna.user, device: anna.id, signer: anna.signer },
    directory: await net.directory(),
    series: { serial: 2, prev: new Uint8Array(32).fill(7) },
  });
  header = cable.header;
  cableJson = encodeSealedCable(cable) as { readonly [k: string]: JsonValue };
  orgEntry = net.entries.find((e) => e.body.kind === 'org') as SignedEntry<OrgCertificate>;
  userEntry = net.entries.find((e) => e.body.kind === 'user')!;
  deviceEntry = net.entries.find((e) => e.body.kind === 'device')!;
  revocation = await issueCertificate(
    {
      v: 1,
      kind: 'revocation',
      org: 'DE',
      subject: 'device',
      id: anna.id,
      reason: 'lost',
      issuedAt: T0,
    },
    net.orgSigners.get('DE')!,
  );
});

const json = (v: unknown) => toJsonValue(v);
const canonicalWithoutKind = (v: unknown) => {
  const j = toJsonValue(v);
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return canonicalize(j);
  const { kind: _kind, ...rest } = j as { readonly [k: string]: JsonValue };
  return canonicalize(rest);
};

/**
 * A decoder. Some hostile values are legitimate in some field (`'__proto__'` is a fine
 * subject, `[]` a fine list of markings, a 5 MB base64url string a fine ciphertext), so a
 * decoded value is accepted only when it is exactly the input again: nothing dropped,
 * nothing defaulted, nothing half-decoded.
 */
function decoderRow(
  name: string,
  decode: (value: unknown, field: string) => unknown,
  valid: () => unknown,
  checksField = false,
): Row {
  return {
    name,
    args: () => [valid(), 'field'],
    call: (v, f) => decode(v, f as string),
    errors: E,
    // Decoders built by decode.ts trust `field` to be a string (see the report); ours check it.
    ...(checksField ? {} : { fields: [1] }),
    accepts: (v, path) => path !== '1' || typeof v === 'string' || v === undefined,
    check: (result, _path, args) => {
      assert.equal(canonicalWithoutKind(result), canonicalWithoutKind(args[0]), `${name} changed its input`);
      if (typeof result === 'object' && result !== null)
        assert.ok(Object.isFrozen(result), `${name}: not frozen`);
    },
  };
}

/**
 * An encoder or hash of a model value: it may return only for a value that decodes, so a
 * legitimate hostile value (an empty list, an absent optional field) passes and nothing else.
 */
function encoderRow(row: Omit<Row, 'errors' | 'accepts' | 'check'>, decode: (v: JsonValue) => unknown): Row {
  return {
    errors: E,
    ...row,
    accepts: () => true,
    check: (_result, path, args) => {
      const position = Number(path.split('.')[0]);
      assert.doesNotThrow(() => decode(toJsonValue(args[position])), `${row.name} accepted at ${path}`);
    },
  };
}

function withoutKindJson(v: unknown): JsonValue {
  const j = toJsonValue(v);
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return j;
  const { kind: _kind, ...rest } = j as { readonly [k: string]: JsonValue };
  return rest;
}

const ROWS: readonly Row[] = [
  // cable-content.ts
  decoderRow('decodeAttachmentDescriptor', decodeAttachmentDescriptor, () =>
    json({
      name: 'a.pdf',
      type: 'application/pdf',
      size: 3,
      chunkSize: 1024,
      key: new Uint8Array(32),
      digest: new Uint8Array(32),
    }),
  ),
  decoderRow('decodeCableContent', decodeCableContent, () =>
    json({ subject: 's', tags: ['t'], body: 'b', attachments: [] }),
  ),
  // cable-header.ts
  decoderRow('decodeCableEnvelope', decodeCableEnvelope, () => json(envelopeOf(header)), true),
  decoderRow('decodeCableHeader', decodeCableHeader, () => json(header), true),
  encoderRow({ name: 'envelopeOf', args: () => [header], call: (h) => envelopeOf(h as never) }, (v) =>
    decodeCableHeader(v, ''),
  ),
  encoderRow({ name: 'encodeHeader', args: () => [header], call: (h) => encodeHeader(h as never) }, (v) =>
    decodeCableHeader(v, ''),
  ),
  encoderRow(
    { name: 'envelopeHash', args: () => [envelopeOf(header)], call: (e) => envelopeHash(e as never) },
    (v) => decodeCableEnvelope(v, ''),
  ),
  encoderRow(
    {
      name: 'cableHash',
      args: () => [header, cable.signature],
      call: (h, s) => cableHash(h as never, s as never),
    },
    (v) => decodeCableHeader(v, ''),
  ),
  // certificate.ts
  decoderRow('decodeNetworkName', decodeNetworkName, () => 'test.valise'),
  decoderRow('decodeOrgCertificate', decodeOrgCertificate, () => json(orgEntry.body)),
  decoderRow('decodeUserCertificate', decodeUserCertificate, () => json(userEntry.body), true),
  decoderRow('decodeDeviceCertificate', decodeDeviceCertificate, () => json(deviceEntry.body), true),
  decoderRow('decodeRevocation', decodeRevocation, () => json(revocation.body)),
  decoderRow('decodeCertificateBody', decodeCertificateBody, () => json(deviceEntry.body), true),
  decoderRow('decodeSignedEntry', decodeSignedEntry, () => json(userEntry)),
  decoderRow('decodeSignedEntries', decodeSignedEntries, () => json(net.entries.slice(0, 3))),
  {
    name: 'requireSorted',
    args: () => [['a', 'b'], 'groups'],
    call: (items, f) => requireSorted(items as never, f as never),
    errors: E,
    accepts: (v, path) =>
      (path === '0' && Array.isArray(v) && v.length === 0) || (path === '1' && typeof v === 'string'),
  },
  // issue-certificate.ts, verify-certificate.ts
  {
    ...encoderRow(
      {
        name: 'issueCertificate',
        args: () => [orgEntry.body, net.rootSigner],
        call: (b, s) => issueCertificate(b as never, s as never),
        async: true,
        opaque: [1],
      },
      (v) => decodeCertificateBody(v, ''),
    ),
    errors: [EncodingError, CryptoError],
  },
  encoderRow(
    { name: 'certificateBytes', args: () => [orgEntry.body], call: (b) => certificateBytes(b as never) },
    (v) => decodeCertificateBody(v, ''),
  ),
  {
    name: 'verifyCertificate',
    args: () => [orgEntry, net.root.key],
    call: (e, k) => verifyCertificate(e as never, k as never),
    errors: E,
    async: true,
    channel: 'false',
  },
  // sealed-cable.ts
  decoderRow('decodeKeyWrap', decodeKeyWrap, () => (cableJson.wraps as JsonValue[])[0]),
  decoderRow('decodeSealedCable', decodeSealedCable, () => cableJson, true),
  // `kind` is the type's tag and is never encoded: any JSON value there is dropped.
  encoderRow(
    { name: 'encodeSealedCable', args: () => [cable], call: (c) => encodeSealedCable(c as never) },
    (v) => decodeSealedCable(withoutKindJson(v), ''),
  ),
  {
    ...encoderRow(
      {
        name: 'forDevice',
        args: () => [cable, header.recipients[0]],
        call: (c, d) => forDevice(c as never, d as never),
      },
      (v) => decodeSealedCable(withoutKindJson(v), ''),
    ),
    // The device must be a device id; any other hostile value there is refused.
    check: (_result, path, args) => {
      if (path === '1') assert.fail(`forDevice accepted ${String(args[1]).slice(0, 20)} as a device id`);
      assert.doesNotThrow(() => decodeSealedCable(withoutKindJson(args[0]), ''));
    },
  },
];

describe('hostile input to the decoders and encoders of the cable model', () => {
  for (const row of ROWS) {
    test(`${row.name}: hostile arguments give its typed error, never a bare one`, { timeout: 30_000 }, () =>
      runRow(row),
    );
  }

  test('encoders refuse a header that does not decode, naming the field', () => {
    const bad = { ...header, serial: 0 };
    for (const encode of [
      () => encodeHeader(bad),
      () => envelopeOf(bad),
      () => cableHash(bad, cable.signature),
    ]) {
      assert.throws(encode, (e: unknown) => e instanceof EncodingError && e.field === 'header.serial');
    }
  });

  test('a decoded header cannot be changed after its checks, so the encoders need not check it again', () => {
    const decoded = decodeCableHeader(JSON.parse(new TextDecoder().decode(encodeHeader(header))), 'header');
    assert.throws(() => {
      (decoded as { serial: number }).serial = 0;
    }, TypeError);
    assert.throws(() => (decoded.recipients as string[]).reverse(), TypeError);
    assert.throws(() => {
      (decoded.sender as { device: string }).device = 'x';
    }, TypeError);
    assert.throws(() => {
      (decoded.distribution[0] as { org: string }).org = 'x';
    }, TypeError);
    assert.deepEqual(encodeHeader(decoded), encodeHeader(header));
  });

  test('a decoder refuses a field path that is not a string', () => {
    assert.throws(
      () => decodeSealedCable(cableJson, Symbol('f') as never),
      (e: unknown) => e instanceof EncodingError && e.code === 'WRONG_TYPE',
    );
  });

  test('forDevice keeps only the wrap of the device, from a cable that decodes', () => {
    const one = forDevice(cable, header.recipients[1]!);
    assert.deepEqual(
      one.wraps.map((w) => w.device),
      [header.recipients[1]],
    );
    assert.equal(one.kind, 'SealedCable');
  });
});
