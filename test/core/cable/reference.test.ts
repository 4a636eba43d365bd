import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatReference, MAX_SERIAL, parseReference } from '../../../src/core/cable/reference.ts';
import { formatDateTimeGroup } from '../../../src/core/encoding/date-time-group.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);

describe('references', () => {
  test('parse(format(r)) = r for every org, serial and year', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z][A-Z0-9]{1,7}$/),
        fc.integer({ min: 1, max: MAX_SERIAL }),
        fc.integer({ min: 2000, max: 2099 }),
        (org, serial, year) => {
          assert.deepEqual(parseReference(formatReference({ org, serial, year })), { org, serial, year });
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('renders as org/serial/yy', () => {
    assert.equal(formatReference({ org: 'DE', serial: 42, year: 2026 }), 'DE/42/26');
    assert.equal(formatReference({ org: 'EEAS', serial: 1, year: 2003 }), 'EEAS/1/03');
  });

  test('refuses anything that is not exactly one reference, naming the field', () => {
    for (const bad of [
      '',
      'DE/0/26',
      'DE/042/26',
      'de/1/26',
      'DE/1/2026',
      'DE/1000000/26',
      'D/1/26',
      'DE//26',
      ' DE/1/26',
      'DE/1/26\n',
      'X'.repeat(10_000),
      null,
      42,
      {},
      ['DE/1/26'],
      Number.NaN,
    ]) {
      assert.throws(
        () => parseReference(bad, 'replyTo'),
        (e: unknown) =>
          e instanceof EncodingError &&
          e.field === 'replyTo' &&
          ['WRONG_TYPE', 'INVALID_VALUE'].includes(e.code),
        String(bad),
      );
    }
  });
});

describe('date-time groups', () => {
  test('renders DDHHMMZ MON YY in UTC', () => {
    assert.equal(formatDateTimeGroup(Date.UTC(2026, 10, 28, 16, 39, 59) / 1000), '281639Z NOV 26');
    assert.equal(formatDateTimeGroup(Date.UTC(2027, 0, 1, 0, 0) / 1000), '010000Z JAN 27');
  });
});
