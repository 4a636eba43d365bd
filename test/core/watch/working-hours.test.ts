import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import {
  DEFAULT_WORKING_HOURS,
  decodeWorkingHours,
  withinWorkingHours,
} from '../../../src/core/watch/working-hours.ts';

/** Monday 2 March 2026, 10:00 UTC (11:00 in Brussels). */
const MONDAY_10_UTC = 1_772_445_600;
const HOUR = 3600;

describe('withinWorkingHours', () => {
  test('the default is Monday to Friday, 07:00 to 20:00 in Brussels', () => {
    assert.equal(withinWorkingHours(DEFAULT_WORKING_HOURS, MONDAY_10_UTC), true);
    // 19:30 UTC is 20:30 in Brussels (CET): outside.
    assert.equal(withinWorkingHours(DEFAULT_WORKING_HOURS, MONDAY_10_UTC + 9.5 * HOUR), false);
    // 06:30 UTC is 07:30 in Brussels: inside.
    assert.equal(withinWorkingHours(DEFAULT_WORKING_HOURS, MONDAY_10_UTC - 3.5 * HOUR), true);
    // Saturday at noon: outside.
    assert.equal(withinWorkingHours(DEFAULT_WORKING_HOURS, MONDAY_10_UTC + 5 * 24 * HOUR + 2 * HOUR), false);
  });

  test("the organisation's time zone decides, with its daylight saving", () => {
    const nicosia = { ...DEFAULT_WORKING_HOURS, timeZone: 'Asia/Nicosia', start: 8 * 60, end: 16 * 60 };
    // 10:00 UTC is 12:00 in Nicosia in March (EET): inside; 14:30 UTC is 16:30: outside.
    assert.equal(withinWorkingHours(nicosia, MONDAY_10_UTC), true);
    assert.equal(withinWorkingHours(nicosia, MONDAY_10_UTC + 4.5 * HOUR), false);
    // In July (EEST, UTC+3) 13:30 UTC is 16:30: outside.
    const july = MONDAY_10_UTC + 18 * 7 * 24 * HOUR + 3.5 * HOUR;
    assert.equal(withinWorkingHours(nicosia, july), false);
  });
});

describe('decodeWorkingHours refuses hostile hours', () => {
  const hostile: [string, unknown][] = [
    ['an unknown time zone', { ...DEFAULT_WORKING_HOURS, timeZone: 'Mars/Olympus' }],
    ['a time zone with a path', { ...DEFAULT_WORKING_HOURS, timeZone: '../../etc/passwd' }],
    ['no working day', { ...DEFAULT_WORKING_HOURS, days: [] }],
    ['a day twice', { ...DEFAULT_WORKING_HOURS, days: ['mon', 'mon'] }],
    ['an unknown day', { ...DEFAULT_WORKING_HOURS, days: ['monday'] }],
    ['an empty day', { ...DEFAULT_WORKING_HOURS, start: 600, end: 600 }],
    ['a day past midnight', { ...DEFAULT_WORKING_HOURS, start: 1200, end: 300 }],
    ['a negative start', { ...DEFAULT_WORKING_HOURS, start: -1 }],
    ['an end past 24:00', { ...DEFAULT_WORKING_HOURS, end: 1441 }],
    ['a fraction', { ...DEFAULT_WORKING_HOURS, start: 1.5 }],
    [
      'eight days',
      { ...DEFAULT_WORKING_HOURS, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'mon'] },
    ],
  ];
  for (const [what, value] of hostile) {
    test(what, () => {
      assert.throws(() => decodeWorkingHours(value, 'hours'), EncodingError);
    });
  }

  test('the default decodes as it is', () => {
    assert.deepEqual(
      decodeWorkingHours(structuredClone(DEFAULT_WORKING_HOURS), 'hours'),
      DEFAULT_WORKING_HOURS,
    );
  });
});
