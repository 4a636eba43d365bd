/**
 * fast-check: arbitrary values (fc.anything, and the hostile table) in every argument, and
 * every field of a request, of the entry points that take untrusted data. Every failure is a
 * ValiseError subclass with a code from its closed list; openCable never resolves for garbage;
 * Object.prototype is never touched.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CableError } from '../../src/core/cable/cable-error.ts';
import { decodeCableHeader } from '../../src/core/cable/cable-header.ts';
import { checkSeries } from '../../src/core/cable/check-series.ts';
import type { KemPrivateKey } from '../../src/core/cable/key-wrap.ts';
import { openCable } from '../../src/core/cable/open-cable.ts';
import { parseReference } from '../../src/core/cable/reference.ts';
import type { SealRequest } from '../../src/core/cable/seal-cable.ts';
import { sealCable } from '../../src/core/cable/seal-cable.ts';
import type { SealedCable } from '../../src/core/cable/sealed-cable.ts';
import { decodeSealedCable, encodeSealedCable } from '../../src/core/cable/sealed-cable.ts';
import { CryptoError } from '../../src/core/crypto/hpke/crypto-error.ts';
import { canonicalize } from '../../src/core/encoding/canonical-json.ts';
import { EncodingError } from '../../src/core/encoding/encoding-error.ts';
import { decodeCableId } from '../../src/core/encoding/identifiers.ts';
import { toJsonValue } from '../../src/core/encoding/to-json.ts';
import { decodeCertificateBody } from '../../src/core/identity/certificate.ts';
import type { Directory } from '../../src/core/identity/directory.ts';
import { openDirectory } from '../../src/core/identity/directory.ts';
import { buildCableNetwork } from './fixtures/cable-network.ts';
import type { FixtureNetwork } from './fixtures/network.ts';
import { T0 } from './fixtures/network.ts';
import type { ErrorClass } from './hostile-table.ts';
import { assertNoPollution, assertTyped, HOSTILE, TRAP } from './hostile-table.ts';

const RUNS = Math.max(1000, Number(process.env.VALISE_PROPERTY_RUNS ?? 1000));

const anything = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
    }),
  },
  // The table's values whose own code does not throw (traps are the caller's exceptions).
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...HOSTILE.filter(([label]) => !/throw|revoked/.test(label)).map(([, v]) => v),
    ),
  },
);

let net: FixtureNetwork;
let dir: Directory;
let request: SealRequest;
let cable: SealedCable;
let cableJson: Record<string, unknown>;

before(async () => {
  net = await buildCableNetwork();
  dir = await net.directory();
  const anna = net.devicesOf('de.anna')[0]!;
  request = {
    draft: {
      classification: 'RESTREINT UE',
      precedence: 'PRIORITY',
      distribution: [{ org: 'FR', role: 'action' }],
      groups: ['COEST'],
      sentAt: T0,
    },
    content: { subject: 'Instructions', body: 'Monday.' },
    sender: { user: anna.user, device: anna.id, signer: anna.signer },
    directory: dir,
    series: { serial: 1 },
  };
  cable = await sealCable(request);
  cableJson = encodeSealedCable(cable) as Record<string, unknown>;
});

/** `args` with `value` at `path`: `[position]` or `[position, field]`. */
function replaced(args: readonly unknown[], path: readonly [number, string?], value: unknown): unknown[] {
  const out = args.slice();
  const [position, field] = path;
  out[position] = field === undefined ? value : { ...(args[position] as object), [field]: value };
  return out;
}

/** Runs the call; a failure must be one of `classes`. Returns whether it resolved. */
async function settles(call: () => unknown, classes: readonly ErrorClass[], where: string): Promise<boolean> {
  return (await outcome(call, classes, where)).ok;
}

async function outcome(
  call: () => unknown,
  classes: readonly ErrorClass[],
  where: string,
): Promise<{ ok: boolean; value?: unknown }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error !== TRAP) assertTyped(error, classes, where);
    return { ok: false };
  } finally {
    assertNoPollution(where);
  }
}

const E = [EncodingError] as const;
const pathOf = (...paths: (readonly [number, string?])[]) => fc.constantFrom(...paths);

describe('fast-check: anything in any argument is a typed error', () => {
  test('sealCable: anything as the request or any of its fields', { timeout: 120_000 }, async () => {
    const paths = pathOf(
      [0],
      [0, 'draft'],
      [0, 'content'],
      [0, 'sender'],
      [0, 'directory'],
      [0, 'series'],
      [0, 'id'],
    );
    await fc.assert(
      fc.asyncProperty(paths, anything, async (path, value) => {
        const [r] = replaced([request], path, value);
        const ok = await settles(() => sealCable(r as never), [CableError, CryptoError], 'sealCable');
        // Only an id leaves the request valid: absent (a random one is drawn), or one whose JSON
        // form is a cable id (16 bytes are, as base64url).
        if (ok) {
          assert.deepEqual(path, [0, 'id'], 'sealCable sealed garbage');
          if (value !== undefined) assert.doesNotThrow(() => decodeCableId(toJsonValue(value), 'id'));
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('openCable: anything as the cable, the request or any field never opens', {
    timeout: 120_000,
  }, async () => {
    const valid = [cable, { directory: dir, recipient: recipientOf('fr.bruno') }];
    const paths = pathOf(
      [0],
      [0, 'header'],
      [0, 'signature'],
      [0, 'content'],
      [0, 'wraps'],
      [1],
      [1, 'directory'],
      [1, 'recipient'],
      [1, 'expectedPrev'],
    );
    await fc.assert(
      fc.asyncProperty(paths, anything, async (path, value) => {
        const [s, r] = replaced(valid, path, value);
        const ok = await settles(() => openCable(s as never, r as never), [CableError], 'openCable');
        if (ok) assert.deepEqual([path, value], [[1, 'expectedPrev'], undefined], 'openCable opened garbage');
      }),
      { numRuns: RUNS },
    );
  });

  test('the decoders: anything as the value, the field, or any field of the document', {
    timeout: 120_000,
  }, async () => {
    const decoders: [string, (v: unknown, f: string) => unknown, Record<string, unknown>][] = [
      ['decodeSealedCable', decodeSealedCable, cableJson],
      ['decodeCableHeader', decodeCableHeader, cableJson.header as Record<string, unknown>],
      [
        'decodeCertificateBody',
        decodeCertificateBody,
        toJsonValue(net.entries.at(-1)!.body) as Record<string, unknown>,
      ],
    ];
    const cases = fc.oneof(
      ...decoders.map(([name, decode, json]) =>
        fc.record({
          name: fc.constant(name),
          decode: fc.constant(decode),
          json: fc.constant(json),
          path: fc.constantFrom<readonly [number, string?]>(
            [0],
            [1],
            ...Object.keys(json).map((k) => [0, k] as const),
          ),
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(cases, anything, async ({ name, decode, json, path }, value) => {
        const [v, f] = replaced([json, 'field'], path, value);
        const ok = await settles(() => decode(v, f as string), E, name);
        // Accepted: the value is a valid document (a hostile value may be legitimate in a field).
        if (ok) assert.doesNotThrow(() => decode(toJsonValue(v), 'again'), `${name} accepted garbage`);
      }),
      { numRuns: RUNS },
    );
  });

  test('openDirectory: anything as the root, the entries or a field of the root', {
    timeout: 120_000,
  }, async () => {
    const paths = pathOf([0], [1], [0, 'network'], [0, 'key'], [0, 'accreditation']);
    await fc.assert(
      fc.asyncProperty(paths, anything, async (path, value) => {
        const [root, entries] = replaced([net.root, net.entries], path, value);
        const opened = await outcome(
          () => openDirectory(root as never, entries as never),
          E,
          'openDirectory',
        );
        // Opened: what was given was a root and entries after all (another network's name, no
        // entries), and the directory holds exactly them.
        // Compared as JSON, the form they are decoded from (bytes there are base64url text).
        if (opened.ok) {
          const d = opened.value as Directory;
          assert.equal(
            canonicalize(toJsonValue(d.root)),
            canonicalize(toJsonValue(root)),
            'changed the root',
          );
          assert.equal(d.entries.length, (entries as unknown[]).length, 'openDirectory dropped entries');
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('checkSeries and parseReference: anything in every argument', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(anything, anything, async (a, b) => {
        const series = await settles(() => checkSeries(a as never), E, 'checkSeries');
        if (series) assert.ok(Array.isArray(a) && a.length === 0, 'checkSeries read garbage');
        await settles(() => parseReference(a, b as never), E, 'parseReference');
        const reference = await settles(() => parseReference(a), E, 'parseReference');
        if (reference) assert.ok(typeof a === 'string', 'parseReference parsed a non-string');
      }),
      { numRuns: RUNS },
    );
  });
});

function recipientOf(user: string) {
  const d = net.devicesOf(user)[0]!;
  return { device: d.id, privateKey: d.kem.privateKey as KemPrivateKey };
}
