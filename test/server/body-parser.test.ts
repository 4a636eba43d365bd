/**
 * The body parser's worker (src/server/body-parser.ts) saves the event loop work and decides
 * nothing: a sealed cable it read is stored exactly as sent, and every body the route refuses
 * is refused with the code and field that reading it on the main thread gives. On both backends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ROUTES } from '../../src/core/api/routes.ts';
import { sealedCableDocument } from '../../src/core/cable/sealed-cable.ts';
import { toBase64url, utf8 } from '../../src/core/encoding/bytes.ts';
import { EncodingError } from '../../src/core/encoding/encoding-error.ts';
import {
  encodeJsonWithBytes,
  JSON_WITH_BYTES_TYPE,
  parseJsonWithBytes,
} from '../../src/core/encoding/json-with-bytes.ts';
import { type BodyParser, startBodyParser } from '../../src/server/body-parser.ts';
import { decodeJsonBody } from '../../src/server/read-body.ts';
import { backends } from './fixtures/backends.ts';
import { device, type TestDevice } from './fixtures/network.ts';
import type { TestResponse } from './fixtures/test-api.ts';
import { startTestApp, type TestApp } from './fixtures/test-app.ts';
import { cableBody, nextPosition, testCable } from './fixtures/test-cable.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 16 };
const RUNS = { numRuns: Number(process.env.VALISE_FUZZ_RUNS ?? 40) };
/** Characters that break JSON, base64url or both when they replace one of a body's. */
const BREAKERS = ['"', '\\', '{', '}', '[', ',', ':', '=', '+', '/', ' ', 'A', '0', '\u00e9', '\u0000'];

const decodeCable = ROUTES.sendCable.body as (value: unknown, field: string) => unknown;

/** The EncodingError reading a body on the main thread gives, or undefined when it reads. */
function refusalHere(read: () => unknown): EncodingError | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (error instanceof EncodingError) return error;
    throw error;
  }
}

/** The route's answer: never a 5xx, and for a body refused here, that refusal's code and field. */
function answeredAs(answer: TestResponse, expected: EncodingError | undefined): void {
  assert.ok(answer.status < 500, answer.text);
  if (!expected) return;
  assert.equal(answer.status, 400, answer.text);
  assert.equal(answer.json.error.code, expected.code, answer.text);
  assert.equal(answer.json.error.field, expected.field, answer.text);
}

describe('body parser worker', () => {
  let parser: BodyParser;
  before(async () => {
    parser = await startBodyParser({ minBytes: 0 });
  });
  after(() => parser.close());

  test('answers the document with long base64url strings as bytes and everything else as sent', async () => {
    const wrap = Uint8Array.from({ length: 1120 }, (_, i) => i % 251);
    const document = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      wraps: [{ device: 'd1', enc: toBase64url(wrap) }],
      note: 'a note in words, with spaces, '.repeat(3),
      n: 3,
      flag: true,
      none: null,
    };
    const parsed = (await parser.parse(utf8(JSON.stringify(document)), LIMITS)) as typeof document;
    assert.deepEqual(parsed.wraps[0]?.enc, wrap);
    assert.equal(parsed.id, document.id, 'a short string stays text');
    assert.equal(parsed.note, document.note, 'a long string that is not base64url stays text');
    assert.deepEqual({ ...parsed, wraps: undefined }, { ...document, wraps: undefined });
  });

  test('keeps a __proto__ key as data, never as the prototype', async () => {
    const parsed = (await parser.parse(utf8('{"__proto__":{"polluted":1}}'), LIMITS)) as object;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.keys(parsed), ['__proto__']);
  });

  test('answers nothing for what it cannot read, so the route reads it itself', async () => {
    for (const text of ['{"a":1,"a":2}', '{"a":', '[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]']) {
      assert.equal(await parser.parse(utf8(text), LIMITS), undefined, text);
    }
    assert.equal(await parser.parse(Uint8Array.of(0x7b, 0xff, 0x7d), LIMITS), undefined, 'broken UTF-8');
    assert.equal(await parser.parse(utf8('"too long"'), { maxBytes: 4, maxDepth: 16 }), undefined);
  });

  test('reads a body with a bytes section: its byte strings as bytes, everything else as sent', async () => {
    const wrap = Uint8Array.from({ length: 1120 }, (_, i) => i % 251);
    const document = { id: 'AAAAAAAAAAAAAAAAAAAAAA', wraps: [{ device: 'd1', enc: wrap }], n: 3 };
    const parsed = (await parser.parse(
      encodeJsonWithBytes(document),
      LIMITS,
      'json-bytes',
    )) as typeof document;
    assert.deepEqual(parsed, document);
    for (const bad of [utf8('{"a":1}'), Uint8Array.of(...utf8('{"a":{"$bytes":[0,2]}}'), 0, 1)]) {
      assert.equal(await parser.parse(bad, LIMITS, 'json-bytes'), undefined, 'the route reads it itself');
    }
  });

  test('leaves bodies with a bytes section to the main thread when told to', async () => {
    const mainThread = await startBodyParser({ minBytes: 0, bytesSection: false });
    try {
      const document = { enc: Uint8Array.of(1, 2, 3) };
      assert.equal(await mainThread.parse(encodeJsonWithBytes(document), LIMITS, 'json-bytes'), undefined);
      assert.deepEqual(await mainThread.parse(utf8('{"a":1}'), LIMITS), { a: 1 }, 'JSON still goes');
    } finally {
      await mainThread.close();
    }
  });

  test('leaves small bodies to the main thread', async () => {
    const small = await startBodyParser({ minBytes: 100 });
    try {
      assert.equal(await small.parse(utf8('{"a":1}'), LIMITS), undefined);
      const large = { a: 'words, not bytes '.repeat(6) };
      assert.deepEqual(await small.parse(utf8(JSON.stringify(large)), LIMITS), large);
    } finally {
      await small.close();
    }
  });

  test('answers nothing once closed', async () => {
    const closing = await startBodyParser({ minBytes: 0 });
    await closing.close();
    assert.equal(await closing.parse(utf8('{"a":1}'), LIMITS), undefined);
  });
});

for (const backend of await backends()) {
  describe(`POST /cables read off the event loop (${backend.name})`, { skip: backend.skip }, () => {
    let t: TestApp;
    let parser: BodyParser;
    let anna: TestDevice;
    let taken = 0;
    before(async () => {
      parser = await startBodyParser({ minBytes: 0 });
      const counted: BodyParser = {
        async parse(bytes, limits, form) {
          const parsed = await parser.parse(bytes, limits, form);
          if (parsed !== undefined) taken++;
          return parsed;
        },
        close: () => parser.close(),
      };
      t = await startTestApp(backend, { deps: { bodyParser: counted } });
      anna = device(t.network, 'de.anna');
    });
    after(async () => {
      await t.close();
      await parser.close();
    });

    async function validBody(): Promise<{ cable: unknown }> {
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        summaryBytes: 120,
        ...(await nextPosition(t.api, anna)),
      });
      return cableBody(cable);
    }

    for (const form of ['JSON', 'JSON with a bytes section'] as const) {
      test(`a cable sent as ${form} is read by the worker, accepted and stored exactly as sent`, async () => {
        const cable = await testCable(t.directory, {
          sender: anna,
          distribution: [{ org: 'FR', role: 'action' }],
          ...(await nextPosition(t.api, anna)),
        });
        const before = taken;
        const answer =
          form === 'JSON'
            ? await t.api.post('/api/v1/cables', cableBody(cable), { as: anna })
            : await t.api.post('/api/v1/cables', encodeJsonWithBytes({ cable: sealedCableDocument(cable) }), {
                as: anna,
                contentType: JSON_WITH_BYTES_TYPE,
              });
        assert.equal(answer.status, 201, answer.text);
        assert.equal(taken, before + 1, 'the worker read the body');
        const stored = await t.store.cable(cable.header.id);
        assert.ok(stored);
        for (const wrap of cable.wraps) {
          const fetched = await t.store.fetchCable(stored.seq, wrap.device, async () => {});
          assert.deepEqual(fetched?.wrap, wrap, wrap.device);
          assert.deepEqual(fetched?.content, cable.content);
        }
      });
    }

    test('any one byte of a body with a bytes section changed: the answer is the one reading it in the route gives', async () => {
      const cable = await testCable(t.directory, {
        sender: anna,
        distribution: [{ org: 'FR', role: 'action' }],
        summaryBytes: 120,
        ...(await nextPosition(t.api, anna)),
      });
      const valid = encodeJsonWithBytes({ cable: sealedCableDocument(cable) });
      const jsonEnd = valid.indexOf(0);
      await fc.assert(
        fc.asyncProperty(
          // Mostly the JSON part, where a change can be a parse or marker fault; some in the section.
          fc.oneof(fc.nat({ max: jsonEnd }), fc.nat({ max: valid.length - 1 })),
          fc.constantFrom(...BREAKERS.map((b) => utf8(b)[0]!), 0x00, 0xff),
          async (at, breaker) => {
            const body = valid.slice();
            body[at] = breaker;
            const expected = refusalHere(() => decodeCable(parseJsonWithBytes(body, LIMITS), ''));
            const answer = await t.api.post('/api/v1/cables', body, {
              as: anna,
              contentType: JSON_WITH_BYTES_TYPE,
            });
            answeredAs(answer, expected);
          },
        ),
        RUNS,
      );
    });

    // Each body as text, from a valid one; the answer must be what reading it here answers.
    const faults: Record<string, (json: string) => string> = {
      'a wrap one byte short': (json) =>
        json.replace(/"enc":"([A-Za-z0-9_-]+)"/, (_all, enc: string) => `"enc":"${enc.slice(0, -2)}"`),
      'a wrap with spare bits set (not canonical)': (json) =>
        json.replace(/"enc":"([A-Za-z0-9_-]+)"/, (_all, enc: string) => `"enc":"${enc.slice(0, -1)}B"`),
      'a wrap in padded base64': (json) => json.replace(/"enc":"([A-Za-z0-9_-]+)"/, '"enc":"$1=="'),
      'base64url bytes where text is expected': (json) =>
        json.replace(/"org":"[A-Z]+"/, `"org":"${toBase64url(new Uint8Array(96))}"`),
      'a duplicate key': (json) => json.replace('{"cable":{', '{"cable":{"signature":"AA",'),
      'an own __proto__ key': (json) => json.replace('{"cable":{', '{"cable":{"__proto__":{"x":1},'),
      'a truncated document': (json) => json.slice(0, -3),
    };

    test('any one character changed: the answer is the one reading the body in the route gives', async () => {
      const text = JSON.stringify(await validBody());
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: text.length - 1 }),
          fc.constantFrom(...BREAKERS),
          async (at, breaker) => {
            const body = utf8(text.slice(0, at) + breaker + text.slice(at + 1));
            const expected = refusalHere(() => decodeJsonBody(body, decodeCable, LIMITS.maxBytes));
            const answer = await t.api.post('/api/v1/cables', body, { as: anna });
            answeredAs(answer, expected);
          },
        ),
        RUNS,
      );
    });

    for (const [name, fault] of Object.entries(faults)) {
      test(`${name}: refused with the code and field reading it in the route gives`, async () => {
        const text = fault(JSON.stringify(await validBody()));
        const expected = refusalHere(() => decodeJsonBody(utf8(text), decodeCable, LIMITS.maxBytes));
        assert.ok(expected, `${name}: the fault must be one the decoder refuses`);
        const serial = (await nextPosition(t.api, anna)).serial;
        const answer = await t.api.post('/api/v1/cables', utf8(text), { as: anna });
        answeredAs(answer, expected);
        assert.equal((await nextPosition(t.api, anna)).serial, serial, 'nothing was stored');
      });
    }
  });
}
