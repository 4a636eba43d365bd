import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CheckpointError,
  ed25519Signer,
  ed25519Verifier,
  formatVerifierKey,
  keyId,
  parseNote,
  parseVerifierKey,
  SIGNATURE_TYPES,
  signNote,
  verifierFromKey,
  verifyNote,
} from '../../../../src/core/log/checkpoint/index.ts';
import { freshKeyPair, fromHexString, PETER_KEY, PETER_PUBLIC, peterSigner, vectors } from './fixtures.ts';

const go = vectors.goSumdbNote;
const peter = verifierFromKey(go.verifierKey);
const enoch = verifierFromKey(go.otherSigner.verifierKey);
const isCode = (code: string) => (e: unknown) => e instanceof CheckpointError && e.code === code;

describe('golang.org/x/mod/sumdb/note vectors', () => {
  test('the key ID of PeterNeumann is c74f20a3', () => {
    assert.equal(keyId(go.name, SIGNATURE_TYPES.ed25519, PETER_PUBLIC).toString(16), go.keyId);
    assert.equal(peterSigner.keyId.toString(16), go.keyId);
    assert.equal(formatVerifierKey(go.name, SIGNATURE_TYPES.ed25519, PETER_PUBLIC), go.verifierKey);
  });

  test('signing the text with a non-extractable key reproduces the published note byte for byte', async () => {
    assert.equal(PETER_KEY.extractable, false);
    assert.equal(await signNote(go.text, [peterSigner]), go.signedNote);
  });

  test('the published note verifies under the published verifier key', async () => {
    assert.deepEqual(await verifyNote(go.signedNote, [peter]), ['PeterNeumann']);
  });

  test('a second signer is verified when pinned and ignored when not', async () => {
    const both = go.signedNote + go.otherSigner.signatureLine;
    assert.deepEqual(await verifyNote(both, [peter]), ['PeterNeumann']);
    assert.deepEqual(await verifyNote(both, [peter, enoch]), ['PeterNeumann', 'EnochRoot']);
    assert.deepEqual(await verifyNote(both, []), []);
  });

  for (const bad of go.malformedNotes) {
    test(`a malformed note is refused: ${bad.desc}`, async () => {
      const bytes = fromHexString(bad.utf8Hex);
      assert.throws(() => parseNote(bytes), CheckpointError);
      assert.deepEqual(await verifyNote(bytes, [peter]), []);
    });
  }

  for (const bad of go.rejectedNotes) {
    test(`a note whose pinned key's signature fails is rejected whole: ${bad.desc}`, async () => {
      assert.deepEqual(await verifyNote(bad.note + go.otherSigner.signatureLine, [peter, enoch]), []);
    });
  }

  test('verifier keys with a wrong length or unknown type are refused', () => {
    for (const vkey of go.badVerifierKeys)
      assert.throws(() => parseVerifierKey(vkey), isCode('MALFORMED_VERIFIER_KEY'));
  });

  test('every substring and every one-byte change of the verifier key is refused', () => {
    const vkey = go.verifierKey;
    for (let i = 0; i <= vkey.length; i++) {
      for (let j = i + 1; j <= vkey.length; j++) {
        if (i === 0 && j === vkey.length) continue;
        assert.throws(() => parseVerifierKey(vkey.slice(i, j)), CheckpointError, vkey.slice(i, j));
      }
    }
    for (let i = 0; i < vkey.length; i++) {
      const changed = vkey.slice(0, i) + String.fromCharCode(vkey.charCodeAt(i) + 1) + vkey.slice(i + 1);
      assert.throws(() => parseVerifierKey(changed), CheckpointError, changed);
    }
  });

  test("a verifier key whose base64 holds '+' round-trips (the key is cut at the first two '+')", () => {
    // Keys whose encoding holds '+' are common (about one in four random keys).
    for (let b = 0; b < 256; b++) {
      const key = new Uint8Array(32).fill(b);
      key[0] = 0xfb;
      const vkey = formatVerifierKey('log.example/a', SIGNATURE_TYPES.ed25519, key);
      const parsed = parseVerifierKey(vkey);
      assert.deepEqual(parsed.publicKey, key, vkey);
      assert.equal(parsed.name, 'log.example/a');
    }
    assert.ok(
      formatVerifierKey('x', SIGNATURE_TYPES.ed25519, new Uint8Array(32).fill(0xfb)).split('+').length > 3,
    );
  });

  test('two pinned keys with one name and key ID are ambiguous: nothing verifies', async () => {
    assert.deepEqual(await verifyNote(go.signedNote, [peter, peter]), []);
  });
});

describe('C2SP signed-note example', () => {
  const example = vectors.c2spExamples.note;
  test('the text is split from the signatures at the last blank line', () => {
    const note = parseNote(example.signedNote);
    assert.equal(note.text, example.text);
    assert.deepEqual(
      note.signatures.map((s) => ({
        name: s.name,
        keyId: s.keyId.toString(16).padStart(8, '0'),
        signatureBytes: s.signature.length,
      })),
      example.signatures,
    );
  });
});

describe('signing and verifying notes', () => {
  const texts = fc
    .array(
      fc
        .string({ unit: 'grapheme', maxLength: 30 })
        .filter((line) => ![...line].some((c) => c.charCodeAt(0) < 0x20)),
      {
        minLength: 1,
        maxLength: 6,
      },
    )
    .map((lines) => `${lines.join('\n')}\n`);

  test('parseNote(signNote(text)) gives back the text and one signature per signer', async () => {
    const other = await freshKeyPair();
    const otherSigner = ed25519Signer('example.com/other', other.privateKey, other.publicKey);
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const note = await signNote(text, [peterSigner, otherSigner]);
        const parsed = parseNote(note);
        assert.equal(parsed.text, text);
        assert.deepEqual(
          parsed.signatures.map((s) => s.name),
          ['PeterNeumann', 'example.com/other'],
        );
        const verifiers = [peter, ed25519Verifier('example.com/other', other.publicKey)];
        assert.deepEqual(await verifyNote(note, verifiers), ['PeterNeumann', 'example.com/other']);
      }),
      { numRuns: 300 },
    );
  });

  test('a flipped bit anywhere in a signed note makes it fail or be refused', async () => {
    const note = new TextEncoder().encode(go.signedNote);
    await fc.assert(
      fc.asyncProperty(fc.nat(note.length * 8 - 1), async (bit) => {
        const changed = note.slice();
        changed[bit >> 3] = changed[bit >> 3]! ^ (1 << (bit & 7));
        assert.deepEqual(await verifyNote(changed, [peter]), []);
      }),
      { numRuns: 1000 },
    );
  });

  test('a signature from a key with another name or key ID is ignored, not trusted', async () => {
    const stranger = await freshKeyPair();
    const impostor = ed25519Signer('PeterNeumann', stranger.privateKey, stranger.publicKey);
    const note = await signNote(go.text, [impostor]);
    assert.deepEqual(await verifyNote(note, [peter]), []);
  });

  test('signNote refuses texts that are not note texts before signing', async () => {
    let signed = 0;
    const counting = {
      ...peterSigner,
      name: 'PeterNeumann',
      keyId: peterSigner.keyId,
      sign: async (m: Uint8Array) => {
        signed++;
        return peterSigner.sign(m);
      },
    };
    await assert.rejects(signNote('no newline', [counting]), isCode('MALFORMED_NOTE'));
    await assert.rejects(signNote('', [counting]), isCode('MALFORMED_NOTE'));
    await assert.rejects(signNote('bell\u0007\n', [counting]), isCode('CONTROL_CHARACTER'));
    await assert.rejects(signNote('lone \ud800\n', [counting]), isCode('NOT_TEXT'));
    await assert.rejects(signNote('fine\n', []), isCode('INVALID_KEY'));
    assert.equal(signed, 0);
  });

  test('a signer that fails is SIGNING_FAILED with the cause', async () => {
    const failing = {
      ...peterSigner,
      name: 'PeterNeumann',
      keyId: 1,
      sign: () => Promise.reject(new Error('HSM offline')),
    };
    await assert.rejects(
      signNote('text\n', [failing]),
      (e) => isCode('SIGNING_FAILED')(e) && (e as Error).cause instanceof Error,
    );
  });
});
