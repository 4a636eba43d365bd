import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import { ROLES } from '../../../src/core/encoding/identifiers.ts';
import {
  DEFAULT_READ_THRESHOLDS,
  decodeReadThresholds,
  MAX_DAILY_LIMIT,
} from '../../../src/core/watch/read-thresholds.ts';

const valid = structuredClone(DEFAULT_READ_THRESHOLDS.member) as Record<string, Record<string, unknown>>;

function withChange(change: (t: Record<string, Record<string, unknown>>) => void): unknown {
  const copy = structuredClone(valid);
  change(copy);
  return copy;
}

describe('read thresholds', () => {
  test('every role has defaults that pass the officers’ decoder', () => {
    for (const role of ROLES) {
      assert.deepEqual(
        decodeReadThresholds(DEFAULT_READ_THRESHOLDS[role], 'thresholds'),
        DEFAULT_READ_THRESHOLDS[role],
      );
    }
  });

  test('a registry device may read far more than a person', () => {
    assert.ok(DEFAULT_READ_THRESHOLDS.registry.suspend.day > 10 * DEFAULT_READ_THRESHOLDS.member.suspend.day);
  });

  const hostile: [string, unknown, EncodingError['code']][] = [
    ['not an object', 'many', 'WRONG_TYPE'],
    ['null', null, 'WRONG_TYPE'],
    ['a missing response', withChange((t) => delete t.suspend), 'MISSING_FIELD'],
    ['a missing window', withChange((t) => delete t.alert?.hour), 'MISSING_FIELD'],
    ['an unknown window', withChange((t) => Object.assign(t.alert ?? {}, { week: 5 })), 'UNKNOWN_FIELD'],
    ['a zero limit', withChange((t) => Object.assign(t.alert ?? {}, { minute: 0 })), 'OUT_OF_RANGE'],
    ['a negative limit', withChange((t) => Object.assign(t.suspend ?? {}, { minute: -5 })), 'OUT_OF_RANGE'],
    ['a fraction', withChange((t) => Object.assign(t.suspend ?? {}, { minute: 20.5 })), 'INVALID_VALUE'],
    ['NaN', withChange((t) => Object.assign(t.suspend ?? {}, { minute: Number.NaN })), 'INVALID_VALUE'],
    [
      'Infinity',
      withChange((t) => Object.assign(t.suspend ?? {}, { day: Number.POSITIVE_INFINITY })),
      'INVALID_VALUE',
    ],
    ['a number as text', withChange((t) => Object.assign(t.suspend ?? {}, { minute: '20' })), 'WRONG_TYPE'],
    [
      'more than the cap',
      withChange((t) => Object.assign(t.suspend ?? {}, { day: MAX_DAILY_LIMIT + 1 })),
      'OUT_OF_RANGE',
    ],
    ['a day below its hour', withChange((t) => Object.assign(t.alert ?? {}, { day: 10 })), 'INVALID_VALUE'],
    [
      'a suspension before the alert',
      withChange((t) => Object.assign(t.suspend ?? {}, { minute: 5 })),
      'INVALID_VALUE',
    ],
  ];
  for (const [name, value, code] of hostile) {
    test(`refuses ${name} with ${code}`, () => {
      assert.throws(
        () => decodeReadThresholds(value, 'thresholds'),
        (error: unknown) => error instanceof EncodingError && error.code === code,
      );
    });
  }
});
