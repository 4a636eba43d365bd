/**
 * Hostile input (see hostile-table.ts) for the cable operations: sealing, opening and
 * re-signing a cable, opening a listed cable's summary, wrapping its key, and sealing and opening attachments. Each argument
 * and each field of a request is replaced in turn; openCable never resolves for one of them.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { AttachmentDescriptor } from '../../../src/core/cable/cable-content.ts';
import { CableError } from '../../../src/core/cable/cable-error.ts';
import type { KemPrivateKey, UnwrapRequest, WrapRequest } from '../../../src/core/cable/key-wrap.ts';
import { unwrapContentKey, wrapContentKey, wrapInfo } from '../../../src/core/cable/key-wrap.ts';
import type { ListedCable } from '../../../src/core/cable/listed-cable.ts';
import { decodeListedCable } from '../../../src/core/cable/listed-cable.ts';
import { openAttachment } from '../../../src/core/cable/open-attachment.ts';
import type { OpenRequest } from '../../../src/core/cable/open-cable.ts';
import { openCable } from '../../../src/core/cable/open-cable.ts';
import { openCableSummary } from '../../../src/core/cable/open-cable-summary.ts';
import { chunkNonce, rechunk, sealAttachment } from '../../../src/core/cable/seal-attachment.ts';
import type { SealRequest } from '../../../src/core/cable/seal-cable.ts';
import { resignCable, sealCable } from '../../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../../src/core/cable/sealed-cable.ts';
import { decodeSealedCable, encodeSealedCable } from '../../../src/core/cable/sealed-cable.ts';
import { CryptoError } from '../../../src/core/crypto/hpke/crypto-error.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';
import type { Directory } from '../../../src/core/identity/directory.ts';
import { buildCableNetwork } from '../fixtures/cable-network.ts';
import type { FixtureDevice, FixtureNetwork } from '../fixtures/network.ts';
import { T0 } from '../fixtures/network.ts';
import type { Row } from '../hostile-table.ts';
import { runRow } from '../hostile-table.ts';

const CABLE = [CableError] as const;
const CABLE_OR_SIGNER = [CableError, CryptoError] as const;
const C = [CryptoError] as const;
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

let net: FixtureNetwork;
let dir: Directory;
let anna: FixtureDevice;
let bruno: FixtureDevice;
let request: SealRequest;
let cable: SealedCable;
let open: OpenRequest;
let listed: ListedCable;
let wrap: WrapRequest;
let unwrap: UnwrapRequest;
let descriptor: AttachmentDescriptor;
let chunks: Uint8Array[];

async function drain(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

before(async () => {
  net = await buildCableNetwork();
  dir = await net.directory();
  anna = net.devicesOf('de.anna')[0]!;
  bruno = net.devicesOf('fr.bruno')[0]!;
  request = {
    draft: {
      classification: 'RESTREINT UE',
      markings: ['EU ONLY'],
      precedence: 'PRIORITY',
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
      replyTo: 'FR/7/26',
      silenceDeadline: T0 + 3600,
      sentAt: T0,
    },
    content: { subject: 'Instructions', tags: ['COEST'], body: 'Monday.', attachments: [] },
    sender: { user: anna.user, device: anna.id, signer: anna.signer },
    directory: dir,
    series: { serial: 2, prev: bytes(32, 7) },
  };
  cable = await sealCable(request);
  open = {
    directory: dir,
    recipient: { device: bruno.id, privateKey: bruno.kem.privateKey as KemPrivateKey },
    expectedPrev: bytes(32, 7),
  };
  listed = decodeListedCable(
    toJsonValue({
      header: cable.header,
      signature: cable.signature,
      summary: cable.summary,
      wrap: cable.wraps.find((w) => w.device === bruno.id),
    }),
    'listed',
  );
  const envelopeHash = bytes(32, 3);
  wrap = {
    cableId: cable.header.id,
    device: bruno.id,
    publicKey: bruno.cert.kemKey,
    envelopeHash,
    contentKey: bytes(32),
  };
  unwrap = { cableId: wrap.cableId, device: bruno.id, envelopeHash, wrap: await wrapContentKey(wrap) };
  const sealing = sealAttachment(
    { name: 'a.pdf', type: 'application/pdf', data: bytes(3000) },
    { chunkSize: 1024 },
  );
  chunks = await drain(sealing.chunks);
  descriptor = await sealing.descriptor;
});

/** Hostile values that are legitimate at a path of a seal request (absent options, empty lists). */
const SEAL_OPTIONAL = [
  '0.id',
  'draft.markings',
  'draft.groups',
  'draft.replyTo',
  'draft.silenceDeadline',
  'content.tags',
  'content.attachments',
  'series.prev',
];
const SEAL_EMPTY = ['draft.markings', 'draft.groups', 'content.tags', 'content.attachments'];
function sealAccepts(part: string) {
  return (v: unknown, path: string): boolean => {
    const at = path === '0' ? part : `${part}.${path.split('.')[1] ?? ''}`;
    if (v === undefined) return SEAL_OPTIONAL.includes(at) || SEAL_OPTIONAL.includes(path);
    if (Array.isArray(v) && v.length === 0) return SEAL_EMPTY.includes(at);
    // Free text: any well-formed string in its bounds.
    return (
      (at === 'content.body' && (v === '' || v === '__proto__')) ||
      (at === 'content.subject' && v === '__proto__')
    );
  };
}

/** A sealed cable that comes back must be one that decodes, and that its recipient opens. */
function checkSealed(result: unknown): void {
  const sealed = result as SealedCable;
  assert.equal(sealed.kind, 'SealedCable');
  assert.doesNotThrow(() => decodeSealedCable(encodeSealedCable(sealed), 'cable'));
}

const sealRow = (part: 'draft' | 'content' | 'series' | 'sender'): Row => ({
  name: `sealCable (request.${part})`,
  args: () => [request[part]],
  call: (value) => sealCable({ ...request, [part]: value }),
  errors: CABLE_OR_SIGNER,
  async: true,
  accepts: sealAccepts(part),
  check: checkSealed,
});

const ROWS: readonly Row[] = [
  // seal-cable.ts
  {
    name: 'sealCable',
    args: () => [request],
    call: (r) => sealCable(r as never),
    errors: CABLE_OR_SIGNER,
    async: true,
    accepts: sealAccepts('request'),
    check: checkSealed,
  },
  sealRow('draft'),
  sealRow('content'),
  sealRow('series'),
  sealRow('sender'),
  {
    name: 'resignCable',
    args: () => [cable, { serial: 3, prev: bytes(32, 9) }, anna.signer],
    call: (c, s, signer) => resignCable(c as never, s as never, signer as never),
    errors: CABLE_OR_SIGNER,
    async: true,
    opaque: [2],
    // Only a cable that decodes comes back (a 5 MB base64url string is fine content);
    // `kind` is the type's tag, never encoded; a first cable of its series has no prev.
    accepts: (v, path) => path.startsWith('0.') || (path === '1.prev' && v === undefined),
    check: (result, _path, args) => {
      checkSealed(result);
      const { kind: _kind, ...rest } = args[0] as SealedCable;
      assert.doesNotThrow(
        () => decodeSealedCable(toJsonValue(rest), 'cable'),
        'resignCable accepted a bad cable',
      );
    },
  },
  // open-cable.ts: every hostile value is refused; `kind` is re-derived, `expectedPrev` optional.
  {
    name: 'openCable',
    args: () => [cable, open],
    call: (s, r) => openCable(s as never, r as never),
    errors: CABLE,
    async: true,
    accepts: (v, path) => path === '0.kind' || (path === '1.expectedPrev' && v === undefined),
  },
  {
    name: 'openCable (request.recipient)',
    args: () => [open.recipient],
    call: (recipient) => openCable(cable, { ...open, recipient: recipient as never }),
    errors: CABLE,
    async: true,
  },
  // open-cable-summary.ts: every hostile value is refused; `kind` is re-derived.
  {
    name: 'openCableSummary',
    args: () => [listed, { directory: dir, recipient: open.recipient }],
    call: (l, r) => openCableSummary(l as never, r as never),
    errors: CABLE,
    async: true,
    accepts: (_v, path) => path === '0.kind',
  },
  // key-wrap.ts
  {
    name: 'wrapInfo',
    args: () => [cable.header.id, bruno.id],
    call: (c, d) => wrapInfo(c as never, d as never),
    errors: C,
    accepts: (v) => typeof v === 'string',
  },
  {
    name: 'wrapContentKey',
    args: () => [wrap, undefined],
    call: (r, s) => wrapContentKey(r as never, s as never),
    errors: C,
    async: true,
    accepts: (v, path) =>
      (path === '1' && v === undefined) ||
      (['0.cableId', '0.device'].includes(path) && typeof v === 'string'),
  },
  {
    name: 'unwrapContentKey',
    args: () => [unwrap, bruno.kem.privateKey, undefined],
    call: (r, k, s) => unwrapContentKey(r as never, k as never, s as never),
    errors: C,
    async: true,
    channel: 'undefined',
    opaque: [1],
    accepts: (v, path) => path === '2' && v === undefined,
  },
  {
    name: 'unwrapContentKey (request.wrap)',
    args: () => [unwrap.wrap],
    call: (w) => unwrapContentKey({ ...unwrap, wrap: w as never }, bruno.kem.privateKey as KemPrivateKey),
    errors: C,
    async: true,
    channel: 'undefined',
    // The wrap's own `device` is not read: the request names the device.
    accepts: (_v, path) => path === '0.device',
  },
  // seal-attachment.ts, open-attachment.ts
  {
    name: 'chunkNonce',
    args: () => [3, false],
    call: (i, last) => chunkNonce(i as never, last as never),
    errors: CABLE,
    accepts: (v, path) => (path === '0' && Object.is(v, -0)) || (path === '1' && v === true),
  },
  {
    name: 'rechunk',
    args: () => [[bytes(5), bytes(7)], 4],
    call: (source, size) => rechunk(source as never, size as never),
    errors: CABLE,
    async: true,
    // An empty stream is a stream.
    accepts: (v, path) => path === '0' && Array.isArray(v) && v.length === 0,
  },
  {
    name: 'sealAttachment',
    args: () => [
      { name: 'a.pdf', type: 'application/pdf', data: bytes(3000) },
      { maxSize: 10_000, chunkSize: 1024 },
    ],
    call: (input, options) => {
      const sealing = sealAttachment(input as never, options as never);
      return drain(sealing.chunks).then(() => sealing.descriptor);
    },
    errors: CABLE,
    async: true,
    accepts: (v, path) =>
      (path === '0.name' && v === '__proto__') ||
      (path === '0.data' && Array.isArray(v) && v.length === 0) ||
      (['1', '1.maxSize', '1.chunkSize'].includes(path) && v === undefined) ||
      // Options are a bag: any object without the option's own name means its default.
      (path === '1' && typeof v === 'object' && v !== null),
  },
  {
    name: 'openAttachment',
    args: () => [descriptor, chunks],
    call: (d, encrypted) => openAttachment(d as never, encrypted as never),
    errors: CABLE,
    async: true,
    // The name is a label, not part of what the digest covers.
    accepts: (v, path) => path === '0.name' && v === '__proto__',
  },
];

describe('hostile input to sealing and opening cables and attachments', () => {
  for (const row of ROWS) {
    test(`${row.name}: hostile arguments give its typed error, never a bare one`, { timeout: 60_000 }, () =>
      runRow(row),
    );
  }

  test('sealAttachment never throws synchronously; bad options come out of the stream', async () => {
    const sealing = sealAttachment({ name: 'a', type: 'text/plain', data: bytes(1) }, null as never);
    await assert.rejects(
      drain(sealing.chunks),
      (e: unknown) => e instanceof CableError && e.code === 'MALFORMED',
    );
    await assert.rejects(sealing.descriptor, CableError);
  });

  test('rechunk refuses a chunk size of 0 instead of looping for ever', async () => {
    await assert.rejects(drain(rechunk([bytes(3)], 0)), (e: unknown) => e instanceof CableError);
  });

  test('a re-signed cable opens at its new place in the series', async () => {
    const resigned = await resignCable(cable, { serial: 5 }, anna.signer);
    assert.equal(resigned.header.serial, 5);
    assert.equal(resigned.header.prev, undefined);
    const { expectedPrev: _prev, ...request } = open;
    assert.equal((await openCable(resigned, request)).header.serial, 5);
  });
});
