import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { toBase64url } from '../../../src/core/encoding/bytes.ts';
import { encodeCanonical, type JsonValue } from '../../../src/core/encoding/canonical-json.ts';
import {
  array,
  boolean,
  bytes,
  type Decoder,
  decodeCanonical,
  decodeJson,
  enumOf,
  type Infer,
  integer,
  literal,
  object,
  optional,
  refine,
  string,
} from '../../../src/core/encoding/decode.ts';
import {
  childField,
  EncodingError,
  type EncodingErrorCode,
  fieldName,
} from '../../../src/core/encoding/encoding-error.ts';

const RUNS = { numRuns: 1000 };

function throwsEncoding(fn: () => unknown, code: EncodingErrorCode, field?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof EncodingError, `expected an EncodingError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field, error.message);
    return true;
  });
}

// A model shaped like the ones built on this kit.
const CLASSIFICATIONS = ['UNCLASSIFIED', 'RESTREINT UE', 'CONFIDENTIEL UE', 'SECRET UE'] as const;
type Classification = (typeof CLASSIFICATIONS)[number];

const decodeOrg = object({
  id: string({ max: 16, pattern: /^[A-Z]{2,8}$/ }),
  accreditation: enumOf(CLASSIFICATIONS),
});
const decodeHeader = object({
  kind: literal('CableHeader'),
  version: literal(1),
  serial: integer({ min: 1, max: 999_999 }),
  distribution: array(decodeOrg, { min: 1, max: 40 }),
  groups: array(string({ min: 2, max: 24 }), { max: 8, unique: true }),
  digest: bytes({ length: 32 }),
  urgent: boolean(),
  replyTo: optional(string({ max: 20 })),
});
const decodeCable = object({ header: decodeHeader, signature: bytes({ min: 1, max: 64 }) });

// Compile-time checks: these lines fail `tsc` if the inferred types drift.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const orgTypeIsExact: Equal<
  Infer<typeof decodeOrg>,
  { readonly id: string; readonly accreditation: Classification }
> = true;
const headerType: Equal<
  Infer<typeof decodeHeader>,
  {
    readonly kind: 'CableHeader';
    readonly version: 1;
    readonly serial: number;
    readonly distribution: readonly { readonly id: string; readonly accreditation: Classification }[];
    readonly groups: readonly string[];
    readonly digest: Uint8Array;
    readonly urgent: boolean;
    readonly replyTo?: string;
  }
> = true;
void orgTypeIsExact;
void headerType;

const digest = new Uint8Array(32).fill(7);
const validCable = {
  header: {
    kind: 'CableHeader',
    version: 1,
    serial: 42,
    distribution: [
      { id: 'DE', accreditation: 'SECRET UE' },
      { id: 'CY', accreditation: 'RESTREINT UE' },
      { id: 'EEAS', accreditation: 'SECRET UE' },
    ],
    groups: ['COEST', 'PSC'],
    digest: toBase64url(digest),
    urgent: false,
  },
  signature: toBase64url(new Uint8Array(64).fill(1)),
};

function withHeader(change: Record<string, unknown>): unknown {
  return { ...validCable, header: { ...validCable.header, ...change } };
}

describe('object', () => {
  test('decodes a valid document into frozen values with bytes decoded', () => {
    const cable = decodeCable(validCable, '');
    assert.equal(cable.header.serial, 42);
    assert.deepEqual(cable.header.digest, digest);
    assert.equal(cable.header.distribution[2]?.id, 'EEAS');
    assert.ok(Object.isFrozen(cable));
    assert.ok(Object.isFrozen(cable.header));
    assert.ok(Object.isFrozen(cable.header.distribution));
    assert.ok(Object.isFrozen(cable.header.distribution[0]));
    assert.notEqual(cable.header, validCable.header);
  });

  test('leaves an absent optional field absent, not undefined', () => {
    const header = decodeHeader(validCable.header, 'header');
    assert.equal('replyTo' in header, false);
    assert.equal(decodeHeader({ ...validCable.header, replyTo: 'DE/1/26' }, 'header').replyTo, 'DE/1/26');
    assert.equal('replyTo' in decodeHeader({ ...validCable.header, replyTo: undefined }, 'header'), false);
  });

  test('names the full path of a bad nested field', () => {
    const distribution = [...validCable.header.distribution];
    distribution[2] = { id: 'eeas', accreditation: 'SECRET UE' };
    throwsEncoding(
      () => decodeCable(withHeader({ distribution }), ''),
      'INVALID_VALUE',
      'header.distribution[2].id',
    );
    distribution[2] = { id: 'EEAS', accreditation: 'TRES SECRET UE' };
    throwsEncoding(
      () => decodeCable(withHeader({ distribution }), ''),
      'INVALID_VALUE',
      'header.distribution[2].accreditation',
    );
  });

  test('refuses unknown fields, including prototype-related names', () => {
    for (const key of ['extra', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
      const value = JSON.parse(
        `{"id":"DE","accreditation":"SECRET UE",${JSON.stringify(key)}:{"polluted":true}}`,
      );
      throwsEncoding(
        () => decodeOrg(value, 'org'),
        'UNKNOWN_FIELD',
        key === '__proto__' ? 'org.__proto__' : `org.${key}`,
      );
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('refuses a missing required field', () => {
    const { urgent: _, ...header } = validCable.header;
    throwsEncoding(() => decodeCable({ ...validCable, header }, ''), 'MISSING_FIELD', 'header.urgent');
    throwsEncoding(
      () => decodeOrg({ id: 'DE', accreditation: undefined }, 'org'),
      'MISSING_FIELD',
      'org.accreditation',
    );
  });

  test('refuses arrays, null, primitives and non-plain objects', () => {
    class Org {
      id = 'DE';
      accreditation = 'SECRET UE';
    }
    for (const value of [
      [],
      [{ id: 'DE', accreditation: 'SECRET UE' }],
      null,
      undefined,
      'DE',
      1,
      true,
      new Org(),
      new Map(),
      new Date(0),
      Object.create({ id: 'DE', accreditation: 'SECRET UE' }),
    ]) {
      throwsEncoding(() => decodeOrg(value, 'org'), 'WRONG_TYPE', 'org');
    }
  });

  test('accepts a prototype-less object and ignores its missing prototype', () => {
    const value = Object.create(null) as Record<string, unknown>;
    value.id = 'DE';
    value.accreditation = 'UNCLASSIFIED';
    const org = decodeOrg(value, 'org');
    assert.deepStrictEqual(org, { id: 'DE', accreditation: 'UNCLASSIFIED' });
    assert.equal(Object.getPrototypeOf(org), Object.prototype);
  });

  test('refuses getters and symbol keys without running them', () => {
    let ran = false;
    const getter = {
      accreditation: 'SECRET UE',
      get id() {
        ran = true;
        return 'DE';
      },
    };
    throwsEncoding(() => decodeOrg(getter, 'org'), 'WRONG_TYPE', 'org.id');
    assert.equal(ran, false);
    throwsEncoding(
      () => decodeOrg({ id: 'DE', accreditation: 'SECRET UE', [Symbol('x')]: 1 }, 'org'),
      'UNKNOWN_FIELD',
    );
  });
});

describe('field paths', () => {
  test('name object keys, array indexes and odd keys the way a reader would write them', () => {
    assert.equal(childField('', 'header'), 'header');
    assert.equal(childField('header', 'distribution'), 'header.distribution');
    assert.equal(childField('header.distribution', 2), 'header.distribution[2]');
    assert.equal(childField('a', 'b c'), 'a["b c"]');
    assert.equal(childField('', '1'), '["1"]');
    assert.equal(childField('a', 'k'.repeat(1000)).length < 80, true);
    assert.equal(fieldName(''), 'document');
  });
});

describe('string', () => {
  const name = string({ min: 2, max: 4 });

  test('counts code points, not UTF-16 units', () => {
    assert.equal(name('😀😀😀😀', 'f'), '😀😀😀😀');
    throwsEncoding(() => name('😀😀😀😀😀', 'f'), 'OUT_OF_RANGE', 'f');
    throwsEncoding(() => name('a', 'f'), 'OUT_OF_RANGE', 'f');
  });

  test('refuses lone surrogates', () => {
    throwsEncoding(() => name('a\ud800', 'f'), 'INVALID_VALUE', 'f');
  });

  test('applies a pattern to the whole string, even unanchored or global', () => {
    const upper = string({ max: 10, pattern: /[A-Z]+/g });
    assert.equal(upper('ABC', 'f'), 'ABC');
    assert.equal(upper('ABC', 'f'), 'ABC'); // no lastIndex state between calls
    throwsEncoding(() => upper('ABCd', 'f'), 'INVALID_VALUE', 'f');
    throwsEncoding(() => upper('dABC', 'f'), 'INVALID_VALUE', 'f');
  });

  test('checks oneOf', () => {
    const roles = string({ max: 20, oneOf: ['member', 'registry'] });
    assert.equal(roles('registry', 'role'), 'registry');
    throwsEncoding(() => roles('admin', 'role'), 'INVALID_VALUE', 'role');
  });

  test('refuses a huge string quickly', () => {
    throwsEncoding(() => name('x'.repeat(50_000_000), 'f'), 'OUT_OF_RANGE', 'f');
  });
});

describe('integer', () => {
  const serial = integer({ min: 1, max: 999_999 });

  test('accepts safe integers in range and turns -0 into 0', () => {
    assert.equal(serial(1, 's'), 1);
    assert.equal(serial(999_999, 's'), 999_999);
    assert.ok(Object.is(integer({ min: -1, max: 1 })(-0, 's'), 0));
  });

  test('refuses floats, NaN, Infinity, unsafe integers, out-of-range values and strings', () => {
    throwsEncoding(() => serial(1.5, 's'), 'INVALID_VALUE', 's');
    throwsEncoding(() => serial(Number.NaN, 's'), 'INVALID_VALUE', 's');
    throwsEncoding(() => serial(Number.POSITIVE_INFINITY, 's'), 'INVALID_VALUE', 's');
    throwsEncoding(
      () => integer({ min: 0, max: Number.MAX_SAFE_INTEGER })(2 ** 53, 's'),
      'INVALID_VALUE',
      's',
    );
    throwsEncoding(() => serial(0, 's'), 'OUT_OF_RANGE', 's');
    throwsEncoding(() => serial(1_000_000, 's'), 'OUT_OF_RANGE', 's');
    throwsEncoding(() => serial('1', 's'), 'WRONG_TYPE', 's');
    throwsEncoding(() => serial(1n, 's'), 'WRONG_TYPE', 's');
  });
});

describe('scalars', () => {
  test('boolean accepts only true and false', () => {
    assert.equal(boolean()(false, 'b'), false);
    for (const v of [0, 1, 'true', null, undefined])
      throwsEncoding(() => boolean()(v, 'b'), 'WRONG_TYPE', 'b');
  });

  test('literal accepts only its value', () => {
    assert.equal(literal(1)(1, 'v'), 1);
    assert.equal(literal(null)(null, 'v'), null);
    for (const v of ['1', 2, true, null]) throwsEncoding(() => literal(1)(v, 'v'), 'INVALID_VALUE', 'v');
  });

  test('enumOf accepts members of its tuple only', () => {
    const decode = enumOf(CLASSIFICATIONS);
    assert.equal(decode('SECRET UE', 'c'), 'SECRET UE');
    throwsEncoding(() => decode('TRES SECRET UE', 'c'), 'INVALID_VALUE', 'c');
    throwsEncoding(() => decode('secret ue', 'c'), 'INVALID_VALUE', 'c');
    throwsEncoding(() => decode('toString', 'c'), 'INVALID_VALUE', 'c');
    throwsEncoding(() => decode(3, 'c'), 'WRONG_TYPE', 'c');
  });

  test('bytes accepts canonical base64url of the right size only', () => {
    const key = bytes({ length: 4 });
    assert.deepEqual(key('AAECAw', 'k'), new Uint8Array([0, 1, 2, 3]));
    throwsEncoding(() => bytes({ max: 8 })('AAECAw==', 'k'), 'INVALID_VALUE', 'k'); // padding
    throwsEncoding(() => key('AAECAx', 'k'), 'INVALID_VALUE', 'k'); // non-zero spare bits
    throwsEncoding(() => key('AA+CAw', 'k'), 'INVALID_VALUE', 'k'); // base64, not base64url
    throwsEncoding(() => key('AAEC', 'k'), 'OUT_OF_RANGE', 'k');
    throwsEncoding(() => key('A'.repeat(10_000_000), 'k'), 'OUT_OF_RANGE', 'k');
    throwsEncoding(() => key([0, 1, 2, 3], 'k'), 'WRONG_TYPE', 'k');
    const blob = bytes({ min: 1, max: 3 });
    assert.deepEqual(blob('AQ', 'b'), new Uint8Array([1]));
    throwsEncoding(() => blob('', 'b'), 'OUT_OF_RANGE', 'b');
  });

  test('bytes takes a Uint8Array as bytes already decoded, with the same size checks', () => {
    // A body parsed on a worker thread arrives with its base64url read (server/body-parser.ts).
    const key = bytes({ length: 4 });
    const given = new Uint8Array([0, 1, 2, 3]);
    assert.equal(key(given, 'k'), given);
    const view = new Uint8Array(new ArrayBuffer(16), 8, 4);
    assert.equal(key(view, 'k'), view);
    throwsEncoding(() => key(new Uint8Array(3), 'k'), 'OUT_OF_RANGE', 'k');
    throwsEncoding(() => key(new Uint8Array(5), 'k'), 'OUT_OF_RANGE', 'k');
    throwsEncoding(() => bytes({ min: 1, max: 3 })(new Uint8Array(0), 'b'), 'OUT_OF_RANGE', 'b');
  });

  test('refine turns a failed check into INVALID_VALUE', () => {
    const even = refine(integer({ min: 0, max: 100 }), (n) => (n % 2 === 0 ? undefined : 'an even number'));
    assert.equal(even(4, 'n'), 4);
    throwsEncoding(() => even(5, 'n'), 'INVALID_VALUE', 'n');
    throwsEncoding(() => even(500, 'n'), 'OUT_OF_RANGE', 'n');
  });
});

describe('array', () => {
  const groups = array(string({ max: 8 }), { min: 1, max: 3, unique: true });

  test('checks count, items and uniqueness with item paths', () => {
    assert.deepEqual(groups(['A', 'B'], 'g'), ['A', 'B']);
    assert.ok(Object.isFrozen(groups(['A'], 'g')));
    throwsEncoding(() => groups([], 'g'), 'OUT_OF_RANGE', 'g');
    throwsEncoding(() => groups(['A', 'B', 'C', 'D'], 'g'), 'OUT_OF_RANGE', 'g');
    throwsEncoding(() => groups(['A', 7], 'g'), 'WRONG_TYPE', 'g[1]');
    throwsEncoding(() => groups(['A', 'B', 'A'], 'g'), 'INVALID_VALUE', 'g[2]');
  });

  test('unique compares objects by their canonical form', () => {
    const orgs = array(decodeOrg, { max: 3, unique: true });
    const a = { id: 'DE', accreditation: 'SECRET UE' };
    throwsEncoding(() => orgs([a, { accreditation: 'SECRET UE', id: 'DE' }], 'o'), 'INVALID_VALUE', 'o[1]');
  });

  test('refuses non-arrays, array-likes and sparse arrays', () => {
    throwsEncoding(() => groups({ length: 1, 0: 'A' }, 'g'), 'WRONG_TYPE', 'g');
    throwsEncoding(() => groups('A', 'g'), 'WRONG_TYPE', 'g');
    const sparse: unknown[] = ['A'];
    sparse[2] = 'C';
    throwsEncoding(() => groups(sparse, 'g'), 'WRONG_TYPE', 'g[1]');
  });

  test('refuses a huge array before decoding its items', () => {
    let calls = 0;
    const counting: Decoder<unknown> = (v) => {
      calls++;
      return v;
    };
    throwsEncoding(
      () => array(counting, { max: 10 })(new Array(1_000_000).fill(0), 'a'),
      'OUT_OF_RANGE',
      'a',
    );
    assert.equal(calls, 0);
  });
});

describe('decodeCanonical and decodeJson', () => {
  test('decode canonical bytes and refuse a non-canonical spelling', () => {
    const bytes = encodeCanonical(validCable as JsonValue);
    assert.equal(decodeCanonical(bytes, decodeCable).header.serial, 42);
    const spaced = JSON.stringify(validCable, null, 2);
    throwsEncoding(() => decodeCanonical(spaced, decodeCable), 'NOT_CANONICAL', '');
    assert.equal(decodeJson(spaced, decodeCable).header.serial, 42);
  });

  test('refuse a __proto__ key in a document as an unknown field', () => {
    const text = '{"__proto__":{"polluted":true},"accreditation":"SECRET UE","id":"DE"}';
    throwsEncoding(() => decodeCanonical(text, decodeOrg), 'UNKNOWN_FIELD', '__proto__');
    throwsEncoding(() => decodeJson(text, decodeOrg), 'UNKNOWN_FIELD', '__proto__');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('pass limits through to the parser', () => {
    throwsEncoding(() => decodeCanonical('{"id":"DE"}', decodeOrg, { maxBytes: 4 }), 'TOO_LARGE', '');
    throwsEncoding(() => decodeJson('[[[1]]]', array(boolean(), { max: 1 }), { maxDepth: 2 }), 'TOO_DEEP');
  });
});

describe('properties', () => {
  const org = fc.record(
    {
      id: fc.stringMatching(/^[A-Z]{2,8}$/),
      accreditation: fc.constantFrom(...CLASSIFICATIONS),
    },
    { noNullPrototype: true },
  );
  const header = fc.record(
    {
      kind: fc.constant('CableHeader' as const),
      version: fc.constant(1 as const),
      serial: fc.integer({ min: 1, max: 999_999 }),
      distribution: fc.array(org, { minLength: 1, maxLength: 40 }),
      groups: fc.uniqueArray(fc.string({ unit: 'binary', minLength: 2, maxLength: 24 }), { maxLength: 8 }),
      digest: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      urgent: fc.boolean(),
      replyTo: fc.string({ unit: 'binary', maxLength: 20 }),
    },
    {
      requiredKeys: ['kind', 'version', 'serial', 'distribution', 'groups', 'digest', 'urgent'],
      noNullPrototype: true,
    },
  );
  const toWire = (h: Infer<typeof decodeHeader>): JsonValue => ({ ...h, digest: toBase64url(h.digest) });

  test('decodeCanonical(encodeCanonical(x)) equals x for every valid header', () => {
    fc.assert(
      fc.property(header, (h) => {
        const decoded = decodeCanonical(encodeCanonical(toWire(h)), decodeHeader);
        assert.deepStrictEqual(decoded, h);
      }),
      RUNS,
    );
  });

  test('any JSON value decodes or fails with an EncodingError naming a field, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), header.map(toWire), fc.anything()), (value) => {
        try {
          decodeCable({ header: value, signature: 'AQ' }, '');
        } catch (error) {
          assert.ok(error instanceof EncodingError, String(error));
          assert.ok(error.field.startsWith('header'), error.field);
        }
      }),
      RUNS,
    );
  });

  test('changing one field of a valid header to another JSON value is accepted only if still valid', () => {
    fc.assert(
      fc.property(
        header,
        fc.constantFrom(...Object.keys(validCable.header), 'extra'),
        fc.jsonValue(),
        (h, key, v) => {
          const wire = { ...(toWire(h) as Record<string, JsonValue>) };
          Object.defineProperty(wire, key, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          try {
            const decoded = decodeHeader(wire, 'header');
            assert.notEqual(key, 'extra');
            assert.deepStrictEqual(toWire(decoded), wire);
          } catch (error) {
            assert.ok(error instanceof EncodingError, String(error));
            assert.ok(error.field.startsWith(`header.${key}`), `${error.field} ${key}`);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('hostile input', () => {
  const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) as unknown;
  const hostile: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 1n],
    ['a symbol', Symbol('x')],
    ['a function', () => 1],
    ['an empty string', ''],
    ['a huge string', 'A'.repeat(10_000_000)],
    ['a lone surrogate', '\udc00'],
    ['an empty object', {}],
    ['an empty array', []],
    ['5,000 nested arrays', deep],
    ['a __proto__ key', JSON.parse('{"__proto__":{"polluted":true}}')],
    ['a constructor key', { constructor: { prototype: { polluted: true } } }],
    ['a Date', new Date(0)],
    // bytes takes a Uint8Array of its size as decoded (tested above); 33 bytes fits no decoder here.
    ['a Uint8Array', new Uint8Array(33)],
  ];
  const decoders: [string, Decoder<unknown>][] = [
    ['string', string({ min: 1, max: 8 })],
    ['integer', integer({ min: 1, max: 8 })],
    ['boolean', boolean()],
    ['literal', literal('x')],
    ['enumOf', enumOf(CLASSIFICATIONS)],
    ['bytes', bytes({ length: 32 })],
    ['array', array(integer({ min: 0, max: 1 }), { min: 1, max: 4 })],
    ['object', decodeOrg],
    ['optional', optional(integer({ min: 1, max: 8 }))],
    ['refine', refine(string({ min: 1, max: 8 }), () => undefined)],
  ];
  for (const [decoderName, decode] of decoders) {
    test(`${decoderName} refuses every hostile value with an EncodingError naming the field`, () => {
      for (const [valueName, value] of hostile) {
        if (decoderName === 'optional' && value === undefined) continue;
        assert.throws(
          () => decode(value, 'x'),
          (error: unknown) =>
            error instanceof EncodingError &&
            ['WRONG_TYPE', 'INVALID_VALUE', 'OUT_OF_RANGE', 'UNKNOWN_FIELD', 'MISSING_FIELD'].includes(
              error.code,
            ) &&
            error.field.startsWith('x'),
          `${decoderName} on ${valueName}`,
        );
      }
    });
  }

  test('decodeCanonical and decodeJson refuse hostile documents with a typed code', () => {
    const table: [unknown, EncodingErrorCode][] = [
      [undefined, 'WRONG_TYPE'],
      [42, 'WRONG_TYPE'],
      ['', 'MALFORMED_JSON'],
      [new Uint8Array([0xff]), 'MALFORMED_JSON'],
      ['"\\ud800"', 'INVALID_VALUE'],
      [`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'TOO_DEEP'],
      [`"${'a'.repeat(2_000_000)}"`, 'TOO_LARGE'],
      ['{"id":"DE","id":"DE"}', 'DUPLICATE_KEY'],
      ['{"accreditation":"SECRET UE","constructor":{},"id":"DE"}', 'UNKNOWN_FIELD'],
      ['{"accreditation":"SECRET UE","id":"DE","prototype":{}}', 'UNKNOWN_FIELD'],
      ['{"accreditation":"SECRET UE"}', 'MISSING_FIELD'],
      ['[]', 'WRONG_TYPE'],
    ];
    for (const [input, code] of table) {
      throwsEncoding(() => decodeCanonical(input as string, decodeOrg), code);
      throwsEncoding(() => decodeJson(input as string, decodeOrg), code);
    }
  });

  test('misconfigured decoders fail when built, with an EncodingError', () => {
    const builds: (() => unknown)[] = [
      () => string({} as never),
      () => string({ max: -1 }),
      () => string({ max: Number.NaN }),
      () => string({ min: 5, max: 4 }),
      () => string({ max: 4, pattern: '^a$' as never }),
      () => integer({ min: 0 } as never),
      () => integer({ min: 0.5, max: 4 }),
      () => integer({ min: 5, max: 4 }),
      () => integer({ min: 0, max: Number.POSITIVE_INFINITY }),
      () => bytes({} as never),
      () => bytes({ length: -1 }),
      () => bytes({ min: 5, max: 4 }),
      () => array(string({ max: 1 }), {} as never),
      () => array('x' as never, { max: 1 }),
      () => enumOf([] as never),
      () => object({ __proto__: null, constructor: string({ max: 1 }) } as never),
      () => object({ prototype: string({ max: 1 }) }),
      () => object({ a: 'x' } as never),
      () => object(null as never),
      () => optional(undefined as never),
      () => refine(undefined as never, () => undefined),
      () => refine(string({ max: 1 }), 'x' as never),
      () => decodeCanonical('{}', undefined as never),
      () => decodeJson('{}', null as never),
    ];
    for (const build of builds) throwsEncoding(build, 'INVALID_VALUE');
  });

  test('nothing above polluted Object.prototype', () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });
});
