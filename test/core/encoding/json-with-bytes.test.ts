import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../../../src/core/encoding/bytes.ts';
import { bytes, object } from '../../../src/core/encoding/decode.ts';
import { EncodingError, type EncodingErrorCode } from '../../../src/core/encoding/encoding-error.ts';
import {
  type BytesValue,
  encodeDocument,
  encodeJsonWithBytes,
  JSON_WITH_BYTES_TYPE,
  parseJsonWithBytes,
} from '../../../src/core/encoding/json-with-bytes.ts';
import { toJsonValue } from '../../../src/core/encoding/to-json.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 300);

/** A body written by hand: the JSON text, a NUL, then the section. */
function body(json: string, section: readonly number[] = []): Uint8Array {
  return Uint8Array.from([...utf8(json), 0, ...section]);
}

function refused(
  input: Uint8Array,
  code: EncodingErrorCode,
  field: string,
  limits = { maxBytes: 1 << 20 },
): void {
  assert.throws(
    () => parseJsonWithBytes(input, limits),
    (error: unknown) => {
      assert.ok(error instanceof EncodingError, `expected an EncodingError, got ${String(error)}`);
      assert.equal(error.code, code, error.message);
      assert.equal(error.field, field, error.message);
      return true;
    },
  );
}

// Byte strings anywhere a JSON value may be, keys never "$bytes".
const bytesValue: fc.Arbitrary<BytesValue> = fc.letrec<{ value: BytesValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string(),
    fc.uint8Array({ maxLength: 64 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.string().filter((k) => k !== '$bytes'),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

describe('JSON with a bytes section', () => {
  test('a document with byte strings reads back as the same document, its bytes raw', () => {
    fc.assert(
      // A document is an object or an array (bytes alone go as application/octet-stream).
      fc.property(
        fc.oneof(
          fc.array(bytesValue),
          fc.dictionary(
            fc.string().filter((k) => k !== '$bytes'),
            bytesValue,
          ),
        ),
        (value) => {
          const parsed = parseJsonWithBytes(encodeJsonWithBytes(value), { maxBytes: 1 << 20 });
          // As JSON (bytes as base64url) the two are the same document.
          assert.deepEqual(toJsonValue(parsed), toJsonValue(value));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the bytes follow the JSON raw: a 1,120-byte wrap adds 1,120 bytes, not 1,494 of base64url', () => {
    const enc = new Uint8Array(1120).fill(7);
    const withBytes = encodeJsonWithBytes({ enc });
    const json = encodeDocument({ enc: toJsonValue(enc) });
    assert.equal(json.type, 'application/json');
    assert.ok(withBytes.length < 1120 + 40, `${withBytes.length} bytes`);
    assert.ok(json.body.length > 1490, `${json.body.length} bytes`);
    const parsed = parseJsonWithBytes(withBytes) as { enc: Uint8Array };
    assert.deepEqual([...parsed.enc], [...enc]);
  });

  test('a document without bytes is sent as canonical JSON; with bytes, in this form', () => {
    assert.deepEqual(encodeDocument({ a: 'x' }), { body: utf8('{"a":"x"}'), type: 'application/json' });
    const document = encodeDocument({ a: Uint8Array.of(1, 2) });
    assert.equal(document.type, JSON_WITH_BYTES_TYPE);
    assert.deepEqual(document.body, body('{"a":{"$bytes":[0,2]}}', [1, 2]));
  });

  test("the decoder's bytes() reads a byte string raw, with the same size checks", () => {
    const decode = object({ key: bytes({ length: 3 }) });
    assert.deepEqual(
      [...decode(parseJsonWithBytes(body('{"key":{"$bytes":[0,3]}}', [9, 8, 7])), '').key],
      [9, 8, 7],
    );
    assert.throws(
      () => decode(parseJsonWithBytes(body('{"key":{"$bytes":[0,2]}}', [9, 8])), ''),
      (e: unknown) => e instanceof EncodingError && e.code === 'OUT_OF_RANGE' && e.field === 'key',
    );
  });

  test('byte strings may use the section in any order, and empty ones anywhere in it', () => {
    const parsed = parseJsonWithBytes(
      body('{"a":{"$bytes":[2,1]},"b":[{"$bytes":[0,2]},{"$bytes":[3,0]},{"$bytes":[2,0]}]}', [1, 2, 3]),
    ) as { a: Uint8Array; b: Uint8Array[] };
    assert.deepEqual([...parsed.a], [3]);
    assert.deepEqual(
      parsed.b.map((b) => [...b]),
      [[1, 2], [], []],
    );
  });

  describe('hostile bodies are refused with one typed error naming the place', () => {
    test('no NUL: plain JSON sent under this media type', () => {
      refused(utf8('{"a":1}'), 'MALFORMED_JSON', '');
    });
    test('the JSON part is parsed strictly: duplicate keys, bad UTF-8, depth', () => {
      refused(body('{"a":1,"a":2}'), 'DUPLICATE_KEY', 'a');
      refused(Uint8Array.of(0x7b, 0xff, 0x7d, 0), 'MALFORMED_JSON', '');
      refused(body('[[[[1]]]]'), 'TOO_DEEP', '[0][0][0]', { maxBytes: 100, maxDepth: 3 } as never);
    });
    test('the whole body counts against the size limit, section included', () => {
      refused(body('{"a":{"$bytes":[0,10]}}', new Array(10).fill(1)), 'TOO_LARGE', '', { maxBytes: 30 });
    });
    test('a section the byte strings do not tile: a byte left over, a gap, an overlap', () => {
      refused(body('{"a":{"$bytes":[0,1]}}', [1, 2]), 'MALFORMED_JSON', '');
      refused(body('{"a":1}', [1]), 'MALFORMED_JSON', '');
      refused(body('{"a":{"$bytes":[1,1]}}', [1, 2]), 'MALFORMED_JSON', 'a');
      refused(body('{"a":{"$bytes":[0,2]},"b":{"$bytes":[1,1]}}', [1, 2]), 'MALFORMED_JSON', 'b');
      refused(body('[{"$bytes":[0,2]},{"$bytes":[0,2]}]', [1, 2]), 'MALFORMED_JSON', '[1]');
    });
    test('a range past the end of the section', () => {
      refused(body('{"a":{"$bytes":[0,3]}}', [1, 2]), 'INVALID_VALUE', 'a');
      refused(body('{"a":{"$bytes":[9007199254740991,1]}}', [1]), 'INVALID_VALUE', 'a');
    });
    test('markers that are not two whole non-negative numbers', () => {
      for (const range of [
        '[0]',
        '[0,1,2]',
        '[-1,1]',
        '[0,1.5]',
        '["0",1]',
        '{"start":0}',
        'null',
        '[0,1e3]',
      ]) {
        refused(body(`{"a":{"$bytes":${range}}}`, [1]), 'INVALID_VALUE', 'a');
      }
    });
    test('a marker with company, or the whole document a marker', () => {
      refused(body('{"a":{"$bytes":[0,1],"b":1}}', [1]), 'INVALID_VALUE', 'a');
      refused(body('{"$bytes":[0,1]}', [1]), 'INVALID_VALUE', '');
    });
    test('bytes alone are no document, either way', () => {
      assert.throws(
        () => encodeJsonWithBytes(Uint8Array.of(1)),
        (e: unknown) => e instanceof EncodingError && e.code === 'WRONG_TYPE',
      );
    });
    test('what is not bytes is refused as the wrong type', () => {
      refused('{"a":1}\u0000' as unknown as Uint8Array, 'WRONG_TYPE', '');
    });
  });
});
