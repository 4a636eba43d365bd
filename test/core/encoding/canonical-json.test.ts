import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../../../src/core/encoding/bytes.ts';
import {
  canonicalize,
  encodeCanonical,
  type JsonValue,
  parseCanonical,
} from '../../../src/core/encoding/canonical-json.ts';
import { EncodingError, type EncodingErrorCode } from '../../../src/core/encoding/encoding-error.ts';
import { parseJson } from '../../../src/core/encoding/parse-json.ts';

interface NumberVector {
  readonly ieee754: string;
  readonly expected: string | null;
  readonly note?: string;
}
interface DocumentVector {
  readonly name: string;
  readonly input: string;
  readonly expected: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../vectors/rfc8785.json', import.meta.url), 'utf8')) as {
  numbers: { vectors: NumberVector[] };
  documents: { vectors: DocumentVector[] };
};

const RUNS = { numRuns: 1000 };

function double(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
}

function throwsEncoding(fn: () => unknown, code: EncodingErrorCode, field?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof EncodingError, `expected an EncodingError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field, error.message);
    return true;
  });
}

function hasNegativeZero(value: unknown): boolean {
  if (Object.is(value, -0)) return true;
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNegativeZero);
  return false;
}

const json = fc
  .jsonValue({ stringUnit: 'binary', maxDepth: 6 })
  .filter((v) => !hasNegativeZero(v)) as fc.Arbitrary<JsonValue>;

// Offsets in a canonical text that lie between tokens (outside strings), where JSON allows whitespace.
function tokenBoundaries(text: string): number[] {
  const out = [0];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        out.push(i + 1);
      }
    } else if (c === '"') {
      out.push(i);
      inString = true;
    } else if ('{}[],:'.includes(c!)) {
      out.push(i, i + 1);
    }
  }
  out.push(text.length);
  return [...new Set(out)];
}

describe('RFC 8785 vectors', () => {
  for (const v of vectors.numbers.vectors) {
    test(`Appendix B: ${v.ieee754} → ${v.expected ?? 'rejected'}`, () => {
      const n = double(v.ieee754);
      if (v.expected === null) {
        throwsEncoding(() => canonicalize(n), 'INVALID_VALUE', '');
        return;
      }
      assert.equal(canonicalize(n), v.expected);
      assert.equal(canonicalize([n]), `[${v.expected}]`);
      // The canonical text reads back as the same double (minus zero reads as zero).
      assert.ok(Object.is(parseCanonical(v.expected), n === 0 ? 0 : n));
    });
  }

  for (const v of vectors.documents.vectors) {
    test(`${v.name}: canonical form of the input`, () => {
      const value = parseJson(v.input);
      assert.equal(canonicalize(value), v.expected);
      assert.deepEqual(encodeCanonical(value), utf8(v.expected));
      assert.deepEqual(parseCanonical(v.expected), value);
      assert.deepEqual(parseCanonical(utf8(v.expected)), value);
      throwsEncoding(() => parseCanonical(v.input), 'NOT_CANONICAL', '');
    });
  }
});

describe('canonicalize', () => {
  test('sorts keys by UTF-16 code units, not code points or locale', () => {
    // U+1F600 is D83D DE00 in UTF-16, which sorts before U+FB33.
    assert.equal(
      canonicalize({ '\ufb33': 1, '\u{1f600}': 2, a: 3, B: 4 }),
      '{"B":4,"a":3,"\u{1f600}":2,"\ufb33":1}',
    );
  });

  test('writes minus zero as 0 and escapes controls in lowercase hex', () => {
    assert.equal(canonicalize([-0, '\u001f\u007f\u2028', '"\\/']), '[0,"\\u001f\u007f\u2028","\\"\\\\/"]');
  });

  test('keeps __proto__ as an ordinary key', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as JsonValue;
    assert.equal(canonicalize(value), '{"__proto__":{"polluted":true},"a":1}');
  });

  test('serialises 10,000 levels of nesting without overflowing the stack', () => {
    let deep: JsonValue = 0;
    for (let i = 0; i < 10_000; i++) deep = i % 2 ? [deep] : { k: deep };
    const text = canonicalize(deep);
    assert.ok(text.startsWith('[{"k":[{"k":'));
    assert.equal(text.length, 5000 * 2 + 5000 * 6 + 1);
  });

  test('a bad value 100,000 levels down is a typed error naming its place, not a stack overflow', () => {
    let deep: unknown = Number.NaN;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.throws(
      () => canonicalize(deep as JsonValue),
      (error: unknown) =>
        error instanceof EncodingError && error.code === 'INVALID_VALUE' && error.field.endsWith('[0][0]'),
    );
  });

  test('accepts objects without a prototype', () => {
    const value = Object.create(null) as Record<string, JsonValue>;
    value.b = 1;
    value.a = [true];
    assert.equal(canonicalize(value), '{"a":[true],"b":1}');
  });
});

describe('parseCanonical', () => {
  test('rejects each non-canonical spelling', () => {
    for (const text of [
      ' {}',
      '{} ',
      '{"a":1, "b":2}',
      '{"b":1,"a":2}',
      '"\\u0041"',
      '"\\/"',
      '"\\u00e9"',
      '"\\u001F"',
      '[1.0]',
      '[1e2]',
      '[1E+2]',
      '[-0]',
      '[0.10]',
      '[100000000000000000000000]',
      '\n[]',
    ]) {
      throwsEncoding(() => parseCanonical(text), 'NOT_CANONICAL', '');
    }
  });

  test('names the path of a duplicate key, even when escaped differently', () => {
    throwsEncoding(() => parseCanonical('{"a":{"x":[1,{"y":1,"y":2}]}}'), 'DUPLICATE_KEY', 'a.x[1].y');
    throwsEncoding(() => parseJson('{"a":1,"\\u0061":2}'), 'DUPLICATE_KEY', 'a');
    throwsEncoding(() => parseJson('{"__proto__":1,"__proto__":2}'), 'DUPLICATE_KEY', '__proto__');
  });

  test('keeps a __proto__ key as data and never touches a prototype', () => {
    const value = parseCanonical(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value as object), ['__proto__', 'constructor']);
    assert.equal((value as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('allows exactly maxDepth levels of nesting', () => {
    assert.deepEqual(parseCanonical('[[[]]]', { maxDepth: 3 }), [[[]]]);
    throwsEncoding(() => parseCanonical('[[[[]]]]', { maxDepth: 3 }), 'TOO_DEEP', '[0][0][0]');
    throwsEncoding(() => parseCanonical('{"a":{"b":{}}}', { maxDepth: 2 }), 'TOO_DEEP', 'a.b');
    const ok32 = `${'['.repeat(32)}${']'.repeat(32)}`;
    assert.equal(canonicalize(parseCanonical(ok32)), ok32);
    throwsEncoding(() => parseCanonical(`[${ok32}]`), 'TOO_DEEP');
  });

  test('checks the size before parsing, in UTF-8 bytes', () => {
    throwsEncoding(() => parseCanonical('"ééé"', { maxBytes: 7 }), 'TOO_LARGE', '');
    assert.equal(parseCanonical('"ééé"', { maxBytes: 8 }), 'ééé');
    // Not even valid JSON: size is refused before any parsing happens.
    throwsEncoding(() => parseCanonical(new Uint8Array(1024 * 1024 + 1)), 'TOO_LARGE', '');
    throwsEncoding(() => parseJson('x'.repeat(1024 * 1024 + 1)), 'TOO_LARGE', '');
  });
});

describe('parseJson', () => {
  test('accepts whitespace, any key order and any number spelling', () => {
    const value = parseJson(' {\n\t"b" : [ 1.0 , 1e2, -0 ] ,\r "a" : "\\u0041" } ');
    assert.equal(canonicalize(value), '{"a":"A","b":[1,100,0]}');
  });

  test('rejects invalid JSON as MALFORMED_JSON', () => {
    for (const text of [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '{"a"}',
      '{a:1}',
      "'a'",
      '01',
      '+1',
      '.5',
      '1.',
      '0x10',
      'NaN',
      'Infinity',
      'tru',
      'nul',
      '"\t"',
      '"\\x41"',
      '"\\u12"',
      '"abc',
      '[1 2]',
      '{}{}',
      '\ufeff{}',
      '/*c*/{}',
      '\u00a0{}',
    ]) {
      throwsEncoding(() => parseJson(text), 'MALFORMED_JSON');
    }
  });

  test('rejects numbers beyond binary64 as OUT_OF_RANGE with their path', () => {
    throwsEncoding(() => parseJson('{"a":[1e400]}'), 'OUT_OF_RANGE', 'a[0]');
    throwsEncoding(() => parseJson('-1e309'), 'OUT_OF_RANGE', '');
  });

  test('rejects escaped lone surrogates in keys and values (I-JSON)', () => {
    throwsEncoding(() => parseJson('{"a":"\\ud800"}'), 'INVALID_VALUE', 'a');
    throwsEncoding(() => parseJson('["\\udc00\\ud800"]'), 'INVALID_VALUE', '[0]');
    throwsEncoding(() => parseJson('{"\\ud83d":1}'), 'INVALID_VALUE');
    assert.equal(parseJson('"\\ud83d\\ude00"'), '😀');
  });
});

describe('properties', () => {
  test('parseCanonical(encodeCanonical(x)) equals x', () => {
    fc.assert(
      fc.property(json, (x) => {
        assert.deepStrictEqual(parseCanonical(encodeCanonical(x), { maxDepth: 64 }), x);
      }),
      RUNS,
    );
  });

  test('canonicalize is idempotent through parseCanonical and parseJson', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 4 }), (x, indent) => {
        const canonical = canonicalize(x);
        assert.equal(canonicalize(parseCanonical(canonical, { maxDepth: 64 })), canonical);
        // Any spelling of the same value has the same canonical form.
        assert.equal(canonicalize(parseJson(JSON.stringify(x, null, indent), { maxDepth: 64 })), canonical);
      }),
      RUNS,
    );
  });

  const multiKeyObject = fc
    .dictionary(fc.string({ unit: 'binary', maxLength: 8 }), json, { minKeys: 2, maxKeys: 6 })
    .filter((o) => Object.keys(o).length >= 2) as fc.Arbitrary<Record<string, JsonValue>>;

  test('whitespace anywhere between tokens of a canonical document is NOT_CANONICAL', () => {
    fc.assert(
      fc.property(
        multiKeyObject,
        fc.nat(),
        fc.constantFrom(' ', '\n', '\t', '\r', '  '),
        (x, pick, space) => {
          const text = canonicalize(x);
          const boundaries = tokenBoundaries(text);
          const at = boundaries[pick % boundaries.length]!;
          const spaced = text.slice(0, at) + space + text.slice(at);
          assert.deepStrictEqual(parseJson(spaced, { maxDepth: 64 }), parseCanonical(text, { maxDepth: 64 }));
          throwsEncoding(() => parseCanonical(spaced, { maxDepth: 64 }), 'NOT_CANONICAL', '');
        },
      ),
      RUNS,
    );
  });

  test('a canonical document with its keys reordered is NOT_CANONICAL', () => {
    fc.assert(
      fc.property(multiKeyObject, fc.nat(), (x, rotate) => {
        const keys = Object.keys(x).sort();
        const shift = 1 + (rotate % (keys.length - 1));
        const reordered = [...keys.slice(shift), ...keys.slice(0, shift)];
        const text = `{${reordered.map((k) => `${JSON.stringify(k)}:${canonicalize(x[k]!)}`).join(',')}}`;
        // fc.dictionary makes prototype-less objects; the parser makes plain ones.
        assert.deepStrictEqual(parseJson(text, { maxDepth: 64 }), { ...x });
        throwsEncoding(() => parseCanonical(text, { maxDepth: 64 }), 'NOT_CANONICAL', '');
      }),
      RUNS,
    );
  });

  test('a corrupted canonical document is a canonical value or an EncodingError, never garbage', () => {
    fc.assert(
      fc.property(json, fc.nat(), fc.integer({ min: 1, max: 255 }), (x, pick, flip) => {
        const bytes = encodeCanonical(x);
        if (bytes.length === 0) return;
        const corrupted = bytes.slice();
        const at = pick % bytes.length;
        corrupted[at] = corrupted[at]! ^ flip;
        try {
          const value = parseCanonical(corrupted, { maxDepth: 64 });
          assert.deepEqual(encodeCanonical(value), corrupted);
        } catch (error) {
          assert.ok(error instanceof EncodingError, String(error));
        }
      }),
      RUNS,
    );
  });

  test('arbitrary text and bytes parse or fail with an EncodingError only', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json(), fc.uint8Array()), (input) => {
        for (const parse of [parseJson, parseCanonical]) {
          try {
            parse(input);
          } catch (error) {
            assert.ok(error instanceof EncodingError, String(error));
          }
        }
      }),
      RUNS,
    );
  });
});

describe('hostile input', () => {
  class Point {
    x = 1;
  }
  const cyclic: Record<string, unknown> = { a: [] };
  (cyclic.a as unknown[]).push(cyclic);
  const getter = {
    get secret() {
      throw new Error('getter ran');
    },
  };
  const sparse: unknown[] = [1];
  sparse[2] = 3;

  const canonicalizeTable: [string, unknown, EncodingErrorCode][] = [
    ['NaN', Number.NaN, 'INVALID_VALUE'],
    ['Infinity', [Number.POSITIVE_INFINITY], 'INVALID_VALUE'],
    ['-Infinity', { a: Number.NEGATIVE_INFINITY }, 'INVALID_VALUE'],
    ['undefined', undefined, 'WRONG_TYPE'],
    ['undefined member', { a: undefined }, 'WRONG_TYPE'],
    ['bigint', 1n, 'WRONG_TYPE'],
    ['symbol', Symbol('s'), 'WRONG_TYPE'],
    ['function', () => 1, 'WRONG_TYPE'],
    ['Date', new Date(0), 'WRONG_TYPE'],
    ['Map', new Map(), 'WRONG_TYPE'],
    ['Uint8Array', new Uint8Array(2), 'WRONG_TYPE'],
    ['class instance', new Point(), 'WRONG_TYPE'],
    ['boxed string', Object('s'), 'WRONG_TYPE'],
    ['lone high surrogate', '\ud800', 'INVALID_VALUE'],
    ['lone low surrogate in a key', { '\udc00': 1 }, 'INVALID_VALUE'],
    ['cycle', cyclic, 'INVALID_VALUE'],
    ['getter', getter, 'INVALID_VALUE'],
    ['sparse array', sparse, 'INVALID_VALUE'],
  ];
  for (const [name, value, code] of canonicalizeTable) {
    test(`canonicalize and encodeCanonical refuse ${name} with ${code}`, () => {
      throwsEncoding(() => canonicalize(value as JsonValue), code);
      throwsEncoding(() => encodeCanonical(value as JsonValue), code);
    });
  }

  test('canonicalize names the path of the bad value', () => {
    throwsEncoding(() => canonicalize({ a: [1, { 'b c': Number.NaN }] }), 'INVALID_VALUE', 'a[1]["b c"]');
    // A string element is written without a path of its own; refused, it still names itself.
    throwsEncoding(() => canonicalize({ ids: ['d1', 'd2', 'x\ud800'] }), 'INVALID_VALUE', 'ids[2]');
    throwsEncoding(() => canonicalize(['\udc00']), 'INVALID_VALUE', '[0]');
  });

  test('plain ASCII strings and strings that need escapes are written as JSON.stringify writes them', () => {
    const strings = [
      '',
      'AbZ09-_',
      ' !#$%&()*+,./:;<=>?@[]^`{|}~',
      'a"b',
      'a\\b',
      'tab\there',
      '\u0000\u001f',
      '\u007f',
      'é',
      '€𝄞',
    ];
    for (const text of strings)
      assert.equal(canonicalize([text, { [text]: text }]), JSON.stringify([text, { [text]: text }]));
  });

  const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
  const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const parseTable: [string, unknown, EncodingErrorCode, object?][] = [
    ['a number', 42, 'WRONG_TYPE'],
    ['null', null, 'WRONG_TYPE'],
    ['undefined', undefined, 'WRONG_TYPE'],
    ['an object', { a: 1 }, 'WRONG_TYPE'],
    ['an ArrayBuffer', new ArrayBuffer(2), 'WRONG_TYPE'],
    ['empty text', '', 'MALFORMED_JSON'],
    ['empty bytes', new Uint8Array(0), 'MALFORMED_JSON'],
    ['invalid UTF-8', new Uint8Array([0x22, 0xc3, 0x28, 0x22]), 'MALFORMED_JSON'],
    ['an overlong UTF-8 encoding', new Uint8Array([0x22, 0xc0, 0xaf, 0x22]), 'MALFORMED_JSON'],
    ['UTF-8 encoded surrogate', new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), 'MALFORMED_JSON'],
    ['a UTF-8 BOM', new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'MALFORMED_JSON'],
    ['a raw lone surrogate in text', '"\ud800"', 'INVALID_VALUE'],
    ['10,000 nested arrays', deepArray, 'TOO_DEEP'],
    ['10,000 nested objects', deepObject, 'TOO_DEEP'],
    ['10,000 unclosed arrays', '['.repeat(10_000), 'TOO_DEEP'],
    [
      '10,000 nested arrays under a huge maxDepth',
      deepArray.slice(0, -1),
      'MALFORMED_JSON',
      { maxDepth: 1e6 },
    ],
    ['a huge string', `"${'a'.repeat(2 * 1024 * 1024)}"`, 'TOO_LARGE'],
    ['a huge number', '9'.repeat(400), 'OUT_OF_RANGE'],
    ['NaN', 'NaN', 'MALFORMED_JSON'],
    ['duplicate __proto__', '{"__proto__":{},"__proto__":{}}', 'DUPLICATE_KEY'],
    ['maxBytes NaN', '{}', 'OUT_OF_RANGE', { maxBytes: Number.NaN }],
    ['maxDepth negative', '{}', 'OUT_OF_RANGE', { maxDepth: -1 }],
    ['maxDepth a string', '{}', 'OUT_OF_RANGE', { maxDepth: '3' }],
    ['limits not an object', '{}', 'WRONG_TYPE', 'big' as unknown as object],
  ];
  for (const [name, input, code, limits] of parseTable) {
    test(`parseCanonical and parseJson refuse ${name} with ${code}`, () => {
      for (const parse of [parseCanonical, parseJson]) {
        throwsEncoding(() => parse(input as string, limits as never), code);
      }
    });
  }

  test('parses 10,000 nested arrays when allowed, without overflowing the stack', () => {
    const value = parseCanonical(deepArray, { maxDepth: 10_000 });
    assert.equal(canonicalize(value), deepArray);
  });

  test('nothing above polluted Object.prototype', () => {
    for (const text of [
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '[{"__proto__":{"polluted":1}}]',
    ]) {
      const value = parseJson(text);
      canonicalize(value);
      parseCanonical(canonicalize(value));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });
});
