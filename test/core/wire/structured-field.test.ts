import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  fromBase64,
  isSfString,
  parseDictionary,
  serializeByteSequence,
  serializeInnerList,
  serializeInteger,
  serializeString,
  toBase64,
} from '../../../src/core/wire/structured-field.ts';
import { rejectsWith } from './wire-fixtures.ts';

const sfStringArb = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});
const keyArb = fc.stringMatching(/^[a-z*][a-z0-9_\-.*]{0,8}$/);

describe('structured-field serialisation (RFC 8941 §4.1)', () => {
  test('strings are quoted with " and \\ escaped; integers are bare', () => {
    assert.equal(serializeString('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"');
    assert.equal(serializeInteger(1618884473), '1618884473');
    assert.equal(serializeInteger(-999_999_999_999_999), '-999999999999999');
    assert.equal(
      serializeInnerList(
        ['@method', 'content-type'],
        [
          ['created', 1],
          ['keyid', 'k"1'],
        ],
      ),
      '("@method" "content-type");created=1;keyid="k\\"1"',
    );
    assert.equal(serializeInnerList([], []), '()');
  });

  test('byte sequences are standard base64 with padding inside colons', () => {
    assert.equal(serializeByteSequence(Uint8Array.of(0xfb, 0xff)), ':+/8=:');
    assert.equal(serializeByteSequence(new Uint8Array(0)), '::');
  });

  test('property: serialise then parse gives back the inner list and its parameters', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.array(sfStringArb, { maxLength: 6 }),
        fc.uniqueArray(
          fc.tuple(keyArb, fc.oneof(sfStringArb, fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }))),
          {
            selector: ([k]) => k,
            maxLength: 6,
          },
        ),
        (label, items, params) => {
          const parsed = parseDictionary(`${label}=${serializeInnerList(items, params)}`);
          assert.ok(parsed?.length === 1);
          const [key, member] = parsed[0]!;
          assert.equal(key, label);
          assert.ok(member.kind === 'inner-list');
          assert.deepEqual(
            member.items.map((i) => i.item),
            items.map((value) => ({ type: 'string', value })),
          );
          assert.deepEqual(
            member.params,
            params.map(([k, v]) => [
              k,
              typeof v === 'number' ? { type: 'integer', value: v } : { type: 'string', value: v },
            ]),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('property: base64 round-trips and only the canonical padded form decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = toBase64(bytes);
        assert.deepEqual(fromBase64(text), bytes);
        assert.equal(text, Buffer.from(bytes).toString('base64'));
        if (text.endsWith('=')) assert.equal(fromBase64(text.replace(/=+$/, '')), undefined);
      }),
      { numRuns: 1000 },
    );
  });

  test('serialisers refuse what no structured field can hold, with the typed error', async () => {
    await rejectsWith(() => serializeString('é'), 'SIGNATURE_MALFORMED');
    await rejectsWith(() => serializeString('line\nfeed'), 'SIGNATURE_MALFORMED');
    await rejectsWith(() => serializeString(undefined as unknown as string), 'SIGNATURE_MALFORMED');
    for (const n of [Number.NaN, 1.5, 10 ** 15, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      await rejectsWith(() => serializeInteger(n), 'SIGNATURE_MALFORMED');
    }
    await rejectsWith(() => serializeByteSequence('abc' as unknown as Uint8Array), 'SIGNATURE_MALFORMED');
    await rejectsWith(() => serializeInnerList(['a'], [['Bad', 1]]), 'SIGNATURE_MALFORMED');
    await rejectsWith(() => serializeInnerList(['a'], [['__proto__', 1]]), 'SIGNATURE_MALFORMED');
    assert.equal(isSfString('ok'), true);
    assert.equal(isSfString(1), false);
  });
});

describe('parseDictionary (RFC 8941 §4.2.2), strictly', () => {
  test('parses items, inner lists, parameters and every supported bare item', () => {
    assert.deepEqual(parseDictionary('a=1, b="x\\"y";p, c=(tok ?0 :AQI=:);q=-5, d'), [
      ['a', { kind: 'item', item: { type: 'integer', value: 1 }, params: [] }],
      [
        'b',
        {
          kind: 'item',
          item: { type: 'string', value: 'x"y' },
          params: [['p', { type: 'boolean', value: true }]],
        },
      ],
      [
        'c',
        {
          kind: 'inner-list',
          items: [
            { item: { type: 'token', value: 'tok' }, params: [] },
            { item: { type: 'boolean', value: false }, params: [] },
            { item: { type: 'bytes', value: Uint8Array.of(1, 2) }, params: [] },
          ],
          params: [['q', { type: 'integer', value: -5 }]],
        },
      ],
      ['d', { kind: 'item', item: { type: 'boolean', value: true }, params: [] }],
    ]);
    assert.deepEqual(parseDictionary(''), []);
    assert.deepEqual(parseDictionary('   a=1   '), [
      ['a', { kind: 'item', item: { type: 'integer', value: 1 }, params: [] }],
    ]);
  });

  const refused: ReadonlyArray<[string, string]> = [
    ['a repeated key', 'a=1, a=2'],
    ['a repeated parameter', 'a=1;p=1;p=2'],
    ['a trailing comma', 'a=1,'],
    ['a leading comma', ',a=1'],
    ['an upper-case key', 'A=1'],
    ['a key starting with a digit', '1a=1'],
    ['a decimal', 'a=1.5'],
    ['an integer of 16 digits', 'a=1234567890123456'],
    ['leading zeros', 'a=01'],
    ['minus zero', 'a=-0'],
    ['a lone minus', 'a=-'],
    ['an unterminated string', 'a="abc'],
    ['a bad escape', 'a="\\n"'],
    ['a non-ASCII string', 'a="é"'],
    ['a tab inside a string', 'a="\t"'],
    ['unpadded base64', 'a=:AQI:'],
    ['base64url', 'a=:-_8=:'],
    ['non-canonical base64 bits', 'a=:AQJ=:'],
    ['an unterminated byte sequence', 'a=:AQI='],
    ['a bad boolean', 'a=?2'],
    ['a date', 'a=@1'],
    ['a display string', 'a=%"x"'],
    ['an unterminated inner list', 'a=(1 2'],
    ['items not separated by a space', 'a=("x""y")'],
    ['a nested inner list', 'a=((1))'],
    ['garbage after a member', 'a=1 b=2'],
    ['a tab before the value', 'a=\t1'],
    ['a space before =', 'a =1'],
    ['a non-ASCII key', 'é=1'],
    ['a NUL', 'a=1\u0000'],
  ];
  for (const [name, text] of refused) {
    test(`refuses ${name}`, () => {
      assert.equal(parseDictionary(text), undefined);
    });
  }

  test('hostile inputs return undefined, never throw', () => {
    for (const input of [undefined, null, 42, {}, ['a=1'], Symbol('x')]) {
      assert.equal(parseDictionary(input as unknown as string), undefined);
    }
    assert.equal(parseDictionary('('.repeat(100 * 1024)), undefined);
    assert.equal(parseDictionary(`a="${'x'.repeat(100 * 1024)}`), undefined);
    assert.equal(parseDictionary(`a=${';p'.repeat(50 * 1024)}`), undefined);
  });

  test('property: arbitrary text never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })),
        (text) => {
          const parsed = parseDictionary(text);
          assert.ok(parsed === undefined || Array.isArray(parsed));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
