import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { concatBytes, utf8 } from '../../../../src/core/encoding/bytes.ts';
import {
  CheckpointError,
  checkpoint,
  cosign,
  cosignatureSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  ed25519Signer,
  ed25519Verifier,
  formatCheckpoint,
  parseNote,
  signNote,
  verifierFromKey,
  verifyCosignature,
  verifyNote,
} from '../../../../src/core/log/checkpoint/index.ts';
import { freshKeyPair, PETER_PUBLIC, PETER_SEED, peterCosigner, peterSigner, vectors } from './fixtures.ts';

const self = vectors.selfGeneratedCosignature;
const example = vectors.c2spExamples.checkpoint;
const isCode = (code: string) => (e: unknown) => e instanceof CheckpointError && e.code === code;

describe('C2SP tlog-cosignature (cosignature/v1)', () => {
  test('the spec example cosignature line carries key ID 8d66cf3f and time 1679315147', () => {
    const note = parseNote(example.signedNote);
    const witness = note.signatures[1]!;
    assert.equal(witness.keyId.toString(16), example.signatures[1]!.keyId);
    assert.equal(witness.signature.length, 72);
    assert.equal(cosignatureTimestamp(witness.signature), example.signatures[1]!.cosignatureTimestamp);
  });

  test('the frozen self-generated cosignature is reproduced exactly', async () => {
    assert.equal(await cosign(self.checkpointText, peterCosigner, self.timestamp), self.cosignatureLine);
  });

  test('cosigning the checkpoint as UTF-8 bytes gives the same line', async () => {
    assert.equal(
      await cosign(utf8(self.checkpointText), peterCosigner, self.timestamp),
      self.cosignatureLine,
    );
  });

  test('the frozen cosignature is an Ed25519 signature over the spec message, per @noble/curves', () => {
    const bytes = parseNote(`${self.checkpointText}\n${self.cosignatureLine}`).signatures[0]!.signature;
    const message = utf8(`cosignature/v1\ntime ${self.timestamp}\n${self.checkpointText}`);
    assert.equal(`cosignature/v1\ntime ${self.timestamp}\n${self.checkpointText}`, example.cosignedMessage);
    assert.equal(ed25519.verify(bytes.slice(8), message, PETER_PUBLIC), true);
    assert.deepEqual(ed25519.getPublicKey(PETER_SEED), PETER_PUBLIC);
  });

  test('the cosigner key is pinned by its 0x04 verifier key', async () => {
    const verifier = verifierFromKey(self.cosignerVerifierKey);
    const note = `${self.checkpointText}\n${self.cosignatureLine}`;
    assert.deepEqual(await verifyCosignature(note, verifier), { ok: true, timestamp: self.timestamp });
    assert.deepEqual(await verifyNote(note, [verifier]), ['PeterNeumann']);
  });

  test('cosign then verifyCosignature round-trips, alongside the log signature', async () => {
    const log = await freshKeyPair();
    const witness = await freshKeyPair();
    const logSigner = ed25519Signer('example.com/log', log.privateKey, log.publicKey);
    const cosigner = cosignatureSigner('witness.example/w1', witness.privateKey, witness.publicKey);
    const logVerifier = ed25519Verifier('example.com/log', log.publicKey);
    const witnessVerifier = cosignatureVerifier('witness.example/w1', witness.publicKey);
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.maxSafeNat(),
        async (size, rootHash, time) => {
          const text = formatCheckpoint(checkpoint({ origin: 'example.com/log', size, rootHash }));
          const note = (await signNote(text, [logSigner])) + (await cosign(text, cosigner, time));
          assert.deepEqual(await verifyCosignature(note, witnessVerifier), { ok: true, timestamp: time });
          assert.deepEqual(await verifyNote(note, [logVerifier, witnessVerifier]), [
            'example.com/log',
            'witness.example/w1',
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a flipped bit in the cosigned note or the cosignature is refused', async () => {
    const note = utf8(`${self.checkpointText}\n${self.cosignatureLine}`);
    const verifier = verifierFromKey(self.cosignerVerifierKey);
    await fc.assert(
      fc.asyncProperty(fc.nat(note.length * 8 - 1), async (bit) => {
        const changed = note.slice();
        changed[bit >> 3] = changed[bit >> 3]! ^ (1 << (bit & 7));
        assert.deepEqual(await verifyCosignature(changed, verifier), { ok: false });
      }),
      { numRuns: 1000 },
    );
  });

  test('a different time in the signature is refused', async () => {
    const line = await cosign(self.checkpointText, peterCosigner, self.timestamp);
    const note = parseNote(`${self.checkpointText}\n${line}`);
    const sig = note.signatures[0]!.signature.slice();
    sig[7] = sig[7]! ^ 1;
    const verifier = cosignatureVerifier('PeterNeumann', PETER_PUBLIC);
    assert.equal(await verifier.verify(utf8(self.checkpointText), sig), false);
  });

  test('a plain note signature is not a cosignature, and a cosignature is not a note signature', async () => {
    const noteSigned = await signNote(self.checkpointText, [peterSigner]);
    assert.deepEqual(await verifyCosignature(noteSigned, cosignatureVerifier('PeterNeumann', PETER_PUBLIC)), {
      ok: false,
    });
    const cosigned = `${self.checkpointText}\n${self.cosignatureLine}`;
    assert.deepEqual(await verifyNote(cosigned, [verifierFromKey(vectors.goSumdbNote.verifierKey)]), []);
  });

  test('cosign refuses a note signer, a bad time and a text that is not a checkpoint', async () => {
    await assert.rejects(cosign(self.checkpointText, peterSigner, 1), isCode('INVALID_KEY'));
    for (const time of [-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      await assert.rejects(cosign(self.checkpointText, peterCosigner, time), isCode('INVALID_TIMESTAMP'));
    }
    await assert.rejects(cosign('not a checkpoint\n', peterCosigner, 1), CheckpointError);
  });

  test('timestamps above 2^53 - 1 are refused rather than rounded', async () => {
    const big = new Uint8Array(72);
    big.set([0x00, 0x20, 0, 0, 0, 0, 0, 0]);
    assert.equal(cosignatureTimestamp(big), undefined);
    const over63 = concatBytes(Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 0), new Uint8Array(64));
    assert.equal(cosignatureTimestamp(over63), undefined);
    const verifier = cosignatureVerifier('PeterNeumann', PETER_PUBLIC);
    assert.equal(await verifier.verify(utf8(self.checkpointText), over63), false);
  });
});
