/**
 * Hostile input for every exported function of core/log/checkpoint: wrong types, empty, huge,
 * NaN, negative sizes, `__proto__` keys. Verifiers answer false, an empty list or a refusal;
 * everything else either works or throws a CheckpointError with a known code; nothing
 * throws a bare Error or TypeError.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as cp from '../../../../src/core/log/checkpoint/index.ts';
import { PETER_KEY, PETER_PUBLIC, peterCosigner, peterSigner, vectors } from './fixtures.ts';

const { CHECKPOINT_ERROR_CODES, CheckpointError } = cp;

const HOSTILE: readonly unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  2 ** 64,
  '',
  '\n',
  '\n\n',
  '— \n',
  'x'.repeat(2 << 20),
  `${'a\n'.repeat(10)}\n${'— a AAAAAAA=\n'.repeat(200)}`,
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
  '\ud800\n',
  true,
  {},
  [],
  [null],
  [{}],
  Symbol('hostile'),
  7n,
  new Uint8Array(0),
  new Uint8Array([0xff, 0xfe]),
  new Uint8Array(31),
  new Uint8Array(33),
  new Uint8Array(3 << 20),
  new Array(1_000_000),
  JSON.parse('{"__proto__": {"origin": "o", "size": 1, "kind": "Checkpoint", "name": "n", "keyId": 1}}'),
  JSON.parse('{"origin": "o", "size": -1, "rootHash": {"0": 1, "length": 32}}'),
  Object.create(null),
  () => 0,
];

/** A caller's own exception passes through the throwing functions; verifiers swallow even that. */
const throwingProxy = new Proxy(
  {},
  {
    get() {
      throw new Error('trap');
    },
  },
);

function isTypedError(error: unknown): boolean {
  return (
    error instanceof CheckpointError && (CHECKPOINT_ERROR_CODES as readonly string[]).includes(error.code)
  );
}

function show(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 20));
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'symbol' || typeof value === 'bigint' || typeof value === 'number')
    return String(value);
  return typeof value;
}

/** Swaps each hostile value into each argument position and checks the outcome. */
async function eachHostileCall(
  args: readonly unknown[],
  call: (args: unknown[]) => unknown,
  check: (result: unknown) => boolean,
  values: readonly unknown[] = HOSTILE,
): Promise<void> {
  for (let position = 0; position < args.length; position++) {
    for (const value of values) {
      const hostile = args.slice();
      hostile[position] = value;
      let result: unknown;
      try {
        result = await call(hostile);
      } catch (error) {
        if (!isTypedError(error)) assert.fail(`argument ${position} = ${show(value)} threw ${show(error)}`);
        continue;
      }
      if (!check(result)) assert.fail(`argument ${position} = ${show(value)} was accepted: ${show(result)}`);
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: calling typed functions with hostile arguments is the point
const fn = (f: (...args: any[]) => unknown) => (args: unknown[]) => f(...args);
const anything = () => true;

const go = vectors.goSumdbNote;
const self = vectors.selfGeneratedCosignature;
const peter = cp.verifierFromKey(go.verifierKey);
const cosigner = cp.verifierFromKey(self.cosignerVerifierKey);
const aCheckpoint = cp.parseCheckpoint(self.checkpointText);

const THROWING: readonly (readonly [string, readonly unknown[], (args: unknown[]) => unknown])[] = [
  ['parseNote', [go.signedNote], fn(cp.parseNote)],
  ['signNote', [go.text, [peterSigner]], fn(cp.signNote)],
  ['parseCheckpoint', [self.checkpointText], fn(cp.parseCheckpoint)],
  ['formatCheckpoint', [aCheckpoint], fn(cp.formatCheckpoint)],
  ['checkpoint', [{ origin: 'o', size: 1, rootHash: new Uint8Array(32) }], fn(cp.checkpoint)],
  ['cosign', [self.checkpointText, peterCosigner, self.timestamp], fn(cp.cosign)],
  ['ed25519Signer', [go.name, PETER_KEY, PETER_PUBLIC], fn(cp.ed25519Signer)],
  ['cosignatureSigner', [go.name, PETER_KEY, PETER_PUBLIC], fn(cp.cosignatureSigner)],
  ['ed25519Verifier', [go.name, PETER_PUBLIC], fn(cp.ed25519Verifier)],
  ['cosignatureVerifier', [go.name, PETER_PUBLIC], fn(cp.cosignatureVerifier)],
  ['parseVerifierKey', [go.verifierKey], fn(cp.parseVerifierKey)],
  ['formatVerifierKey', [go.name, 1, PETER_PUBLIC], fn(cp.formatVerifierKey)],
  ['verifierFromKey', [go.verifierKey], fn(cp.verifierFromKey)],
  ['keyId', [go.name, 1, PETER_PUBLIC], fn(cp.keyId)],
  ['isKeyId', [1], fn(cp.isKeyId)],
  ['cosignatureTimestamp', [new Uint8Array(72)], fn(cp.cosignatureTimestamp)],
];

describe('hostile input to core/log/checkpoint', () => {
  for (const [name, args, call] of THROWING) {
    test(`${name} works or throws a typed CheckpointError`, async () => {
      await eachHostileCall(args, call, anything);
    });
  }

  test('verifyNote answers an empty list and never throws', async () => {
    await eachHostileCall(
      [go.signedNote, [peter]],
      fn(cp.verifyNote),
      (r) => Array.isArray(r) && r.length === 0,
    );
  });

  test('a verifier answers false and never throws', async () => {
    for (const verifier of [peter, cosigner]) {
      await eachHostileCall(
        [new Uint8Array(10), new Uint8Array(64)],
        (args) => verifier.verify(args[0] as Uint8Array, args[1] as Uint8Array),
        (r) => r === false,
      );
    }
  });

  test('verifyCosignature refuses and never throws', async () => {
    const note = `${self.checkpointText}\n${self.cosignatureLine}`;
    await eachHostileCall(
      [note, cosigner],
      fn(cp.verifyCosignature),
      (r) => (r as { ok: boolean }).ok === false,
    );
  });

  test('witnessCheck refuses and never throws', async () => {
    const note = await cp.signNote(self.checkpointText, [peterSigner]);
    const input = { origin: aCheckpoint.origin, logVerifier: peter, previous: aCheckpoint, note, proof: [] };
    assert.equal((await cp.witnessCheck(input)).ok, true);
    await eachHostileCall([input], fn(cp.witnessCheck), (r) => (r as { ok: boolean }).ok === false, [
      ...HOSTILE,
      throwingProxy,
    ]);
    for (const key of Object.keys(input)) {
      for (const value of [...HOSTILE, throwingProxy]) {
        // The two hostile values that are valid here: no previous checkpoint, an empty proof.
        const valid =
          (key === 'previous' && value === null) ||
          (key === 'proof' && Array.isArray(value) && value.length === 0);
        const verdict = await cp.witnessCheck({ ...input, [key]: value } as cp.WitnessCheckInput);
        assert.equal(verdict.ok, valid, `${key} = ${show(value)}`);
      }
    }
  });
});
