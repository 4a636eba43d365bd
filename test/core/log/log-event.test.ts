/**
 * The audit event's encoder and decoder are one pair: every event of every type the encoder
 * writes, the decoder reads back as it was; an event the decoder would refuse is never
 * written (the encoder throws, naming the field), so a client never mistakes a server's
 * own event for tampering.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../../src/core/encoding/canonical-json.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import {
  AUDIT_EVENT_TYPES,
  EVENT_LIMITS,
  encodeLogEvent,
  type LogEventInput,
  parseLogEvent,
} from '../../../src/core/log/log-event.ts';

const name = (max: number) => fc.string({ minLength: 1, maxLength: max, unit: 'grapheme-ascii' });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const detail: fc.Arbitrary<{ [key: string]: JsonValue }> = fc.dictionary(
  fc.stringMatching(/^[a-z]{1,12}$/),
  fc.oneof(fc.string({ maxLength: 64 }), fc.integer({ min: 0, max: 1_000_000 }), fc.boolean()),
  { maxKeys: 6, noNullPrototype: true },
);

const event: fc.Arbitrary<LogEventInput> = fc.record({
  at: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  type: fc.constantFrom(...AUDIT_EVENT_TYPES),
  actor: fc.record({
    org: maybe(name(EVENT_LIMITS.org)),
    user: maybe(name(EVENT_LIMITS.user)),
    device: maybe(name(EVENT_LIMITS.device)),
  }),
  object: fc.record({
    kind: name(EVENT_LIMITS.kind),
    id: name(EVENT_LIMITS.id),
    org: maybe(name(EVENT_LIMITS.org)),
  }),
  detail,
});

const present = (fields: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));

test('every event of every type decodes to what was encoded', () => {
  fc.assert(
    fc.property(event, (input) => {
      const decoded = parseLogEvent(encodeLogEvent(input));
      assert.equal(decoded.at, input.at);
      assert.equal(decoded.type, input.type);
      assert.deepEqual(decoded.actor, present(input.actor));
      assert.deepEqual(decoded.object, present(input.object));
      assert.deepEqual(decoded.detail, input.detail);
    }),
    { numRuns: 300 },
  );
});

test('an event the decoder would refuse is never encoded: a typed error names the field', () => {
  const base: LogEventInput = {
    at: 1,
    type: 'session.refused',
    actor: {},
    object: { kind: 'request', id: 'POST /api/v1/web/sign-in' },
    detail: { code: 'PASSKEY_WRONG_ORIGIN' },
  };
  const bad: [string, LogEventInput][] = [
    ['object.id', { ...base, object: { kind: 'origin', id: `https://${'a'.repeat(192)}` } }],
    ['object.id', { ...base, object: { kind: 'origin', id: '' } }],
    ['object.kind', { ...base, object: { kind: 'k'.repeat(33), id: 'x' } }],
    ['actor.org', { ...base, actor: { org: 'O'.repeat(17) } }],
    ['actor.device', { ...base, actor: { device: 'd'.repeat(65) } }],
    ['at', { ...base, at: -1 }],
    ['type', { ...base, type: 'not.a.type' as LogEventInput['type'] }],
  ];
  for (const [field, input] of bad) {
    assert.throws(
      () => encodeLogEvent(input),
      (error: unknown) => error instanceof EncodingError && error.field === field,
      field,
    );
  }
});

test('a leaf of an unknown type, or with a field over its bound, is refused by the decoder', () => {
  const leaf = (value: object) => new TextEncoder().encode(JSON.stringify(value));
  const good = { actor: {}, at: 1, detail: {}, object: { id: 'x', kind: 'k' }, type: 'cable.fetched' };
  assert.equal(parseLogEvent(leaf(good)).type, 'cable.fetched');
  assert.throws(() => parseLogEvent(leaf({ ...good, type: 'made.up' })), EncodingError);
  assert.throws(
    () => parseLogEvent(leaf({ ...good, object: { id: 'x'.repeat(129), kind: 'k' } })),
    EncodingError,
  );
});
