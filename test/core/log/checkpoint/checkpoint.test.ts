import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CheckpointError,
  checkpoint,
  formatCheckpoint,
  parseCheckpoint,
  parseNote,
} from '../../../../src/core/log/checkpoint/index.ts';
import { base64, vectors } from './fixtures.ts';

const isCode = (code: string) => (e: unknown) => e instanceof CheckpointError && e.code === code;
const ROOT = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';

/** A line of text a checkpoint may carry: non-empty, no control characters. */
const line = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((text) => ![...text].some((c) => c.charCodeAt(0) < 0x20));

const checkpoints = fc
  .record({
    origin: line,
    size: fc.oneof(fc.nat(), fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER), fc.maxSafeNat()),
    rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    extensions: fc.array(line, { maxLength: 4 }),
  })
  .map((fields) => checkpoint(fields));

describe('C2SP tlog-checkpoint', () => {
  test('the spec example parses to its origin, size and root', () => {
    const example = vectors.c2spExamples.checkpoint;
    const note = parseNote(example.signedNote);
    const parsed = parseCheckpoint(note.text);
    assert.equal(parsed.origin, example.origin);
    assert.equal(parsed.size, example.size);
    assert.deepEqual(parsed.rootHash, base64(example.rootHashBase64));
    assert.deepEqual(parsed.extensions, []);
    assert.equal(formatCheckpoint(parsed), note.text);
  });

  test('parse(format(x)) = x for every checkpoint', () => {
    fc.assert(
      fc.property(checkpoints, (value) => {
        assert.deepEqual(parseCheckpoint(formatCheckpoint(value)), value);
      }),
      { numRuns: 1000 },
    );
  });

  test('format(parse(text)) = text: one text per checkpoint', () => {
    fc.assert(
      fc.property(checkpoints, (value) => {
        const text = formatCheckpoint(value);
        assert.equal(formatCheckpoint(parseCheckpoint(text)), text);
        assert.equal(formatCheckpoint(parseCheckpoint(new TextEncoder().encode(text))), text);
      }),
      { numRuns: 1000 },
    );
  });

  test('every text parseCheckpoint accepts is the one format gives back', () => {
    const sizeText = fc.oneof(fc.nat().map(String), fc.stringMatching(/^[0-9+-]{0,20}$/));
    const rootText = fc.oneof(
      fc.uint8Array({ minLength: 30, maxLength: 34 }).map((bytes) => btoa(String.fromCharCode(...bytes))),
      fc.stringMatching(/^[A-Za-z0-9+/=_-]{40,46}$/),
    );
    fc.assert(
      fc.property(
        line,
        sizeText,
        rootText,
        fc.array(fc.oneof(line, fc.constant('')), { maxLength: 3 }),
        (o, n, r, ext) => {
          const text = `${[o, n, r, ...ext].join('\n')}\n`;
          let parsed: ReturnType<typeof parseCheckpoint>;
          try {
            parsed = parseCheckpoint(text);
          } catch (error) {
            assert.ok(error instanceof CheckpointError);
            return;
          }
          assert.equal(formatCheckpoint(parsed), text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('checkpoints are frozen and keep their own copy of the root', () => {
    const root = new Uint8Array(32);
    const value = checkpoint({ origin: 'example.com/log', size: 1, rootHash: root });
    root[0] = 1;
    assert.equal(value.rootHash[0], 0);
    assert.ok(Object.isFrozen(value) && Object.isFrozen(value.extensions));
  });

  const malformed: [string, string, string][] = [
    ['no final newline', `o\n1\n${ROOT}`, 'MALFORMED_NOTE'],
    ['only two lines', 'o\n1\n', 'INVALID_ROOT_HASH'],
    ['empty origin', `\n1\n${ROOT}\n`, 'INVALID_ORIGIN'],
    ['leading zero in size', `o\n01\n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['plus sign in size', `o\n+1\n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['negative size', `o\n-1\n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['space after size', `o\n1 \n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['hex size', `o\n0x10\n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['size beyond 2^53 - 1', `o\n9007199254740992\n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['size of 2^64', `o\n18446744073709551616\n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['empty size', `o\n\n${ROOT}\n`, 'INVALID_TREE_SIZE'],
    ['root without padding', `o\n1\n${ROOT.slice(0, -1)}\n`, 'INVALID_ROOT_HASH'],
    ['base64url root', `o\n1\n${ROOT.replace('/', '_')}\n`, 'INVALID_ROOT_HASH'],
    ['31-byte root', `o\n1\n${btoa('x'.repeat(31))}\n`, 'INVALID_ROOT_HASH'],
    ['33-byte root', `o\n1\n${btoa('x'.repeat(33))}\n`, 'INVALID_ROOT_HASH'],
    ['non-canonical spare bits', `o\n1\n${ROOT.slice(0, -2)}3=\n`, 'INVALID_ROOT_HASH'],
    ['empty extension line', `o\n1\n${ROOT}\n\next\n`, 'INVALID_EXTENSION'],
    ['carriage return', `o\r\n1\r\n${ROOT}\r\n`, 'CONTROL_CHARACTER'],
    ['NUL in origin', `o\u0000\n1\n${ROOT}\n`, 'CONTROL_CHARACTER'],
    ['lone surrogate', `o\ud800\n1\n${ROOT}\n`, 'NOT_TEXT'],
    ['empty text', '', 'MALFORMED_NOTE'],
  ];
  for (const [name, text, code] of malformed) {
    test(`a checkpoint with ${name} is ${code}`, () => {
      assert.throws(() => parseCheckpoint(text), isCode(code));
    });
  }

  test('invalid UTF-8 bytes are NOT_TEXT', () => {
    const bytes = new TextEncoder().encode(`o\n1\n${ROOT}\n`);
    const invalid = new Uint8Array([0xff, ...bytes]);
    assert.throws(() => parseCheckpoint(invalid), isCode('NOT_TEXT'));
  });

  test('the constructor refuses each invalid field with its code', () => {
    const ok = { origin: 'o', size: 1, rootHash: new Uint8Array(32) };
    assert.throws(() => checkpoint({ ...ok, origin: 'a\nb' }), isCode('INVALID_ORIGIN'));
    assert.throws(() => checkpoint({ ...ok, size: -1 }), isCode('INVALID_TREE_SIZE'));
    assert.throws(() => checkpoint({ ...ok, size: 1.5 }), isCode('INVALID_TREE_SIZE'));
    assert.throws(() => checkpoint({ ...ok, size: 2 ** 53 }), isCode('INVALID_TREE_SIZE'));
    assert.throws(() => checkpoint({ ...ok, rootHash: new Uint8Array(31) }), isCode('INVALID_ROOT_HASH'));
    assert.throws(() => checkpoint({ ...ok, extensions: [''] }), isCode('INVALID_EXTENSION'));
    assert.throws(() => checkpoint({ ...ok, extensions: ['a\nb'] }), isCode('INVALID_EXTENSION'));
  });

  test('an oversized checkpoint is TOO_LARGE', () => {
    assert.throws(() => parseCheckpoint(`${'o'.repeat(2 << 20)}\n1\n${ROOT}\n`), isCode('TOO_LARGE'));
  });
});
