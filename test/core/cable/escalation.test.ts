/**
 * Escalation limits (core/cable/escalation.ts): the network setting's syntax, and when a
 * cable is due, working days counted in the addressee's working hours.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  afterWorkingTime,
  DEFAULT_ESCALATION_LIMITS,
  describeLimit,
  dueAt,
  escalationLimit,
  parseEscalationLimits,
} from '../../../src/core/cable/escalation.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '../../../src/core/watch/working-hours.ts';

const utc = (text: string) => Date.parse(text) / 1000;

describe('escalation limits', () => {
  test('the defaults: FLASH 10 min, IMMEDIATE 1 h, PRIORITY 1 working day, ROUTINE never', () => {
    assert.equal(describeLimit(escalationLimit(DEFAULT_ESCALATION_LIMITS, 'FLASH')!), '10 min');
    assert.equal(describeLimit(escalationLimit(DEFAULT_ESCALATION_LIMITS, 'IMMEDIATE')!), '1 h');
    assert.equal(describeLimit(escalationLimit(DEFAULT_ESCALATION_LIMITS, 'PRIORITY')!), '1 working day');
    assert.equal(escalationLimit(DEFAULT_ESCALATION_LIMITS, 'ROUTINE'), undefined);
    assert.equal(escalationLimit(DEFAULT_ESCALATION_LIMITS, 'URGENT'), undefined);
  });

  test('a network sets its own; a precedence not named keeps its default; off turns one off', () => {
    const limits = parseEscalationLimits('FLASH=5m, PRIORITY=2wd,IMMEDIATE=off');
    assert.deepEqual(limits, {
      FLASH: { amount: 5, unit: 'minutes' },
      PRIORITY: { amount: 2, unit: 'working-days' },
    });
    assert.deepEqual(parseEscalationLimits(''), DEFAULT_ESCALATION_LIMITS);
  });

  test('a setting that cannot be read is refused, naming it', () => {
    for (const bad of [
      'ROUTINE=1h',
      'FLASH=10',
      'FLASH=10s',
      'FLASH=0m',
      'FLASH=1m,FLASH=2m',
      'flash=1m',
      'PRIORITY=31wd',
    ]) {
      assert.throws(
        () => parseEscalationLimits(bad),
        (e) => e instanceof EncodingError && e.message.startsWith('VALISE_ESCALATION'),
        bad,
      );
    }
  });
});

describe('when a cable is due', () => {
  test('minutes and hours are elapsed time, day or night', () => {
    const saturdayNight = utc('2026-03-07T23:30:00Z');
    assert.equal(
      dueAt({ amount: 10, unit: 'minutes' }, saturdayNight, DEFAULT_WORKING_HOURS),
      saturdayNight + 600,
    );
    assert.equal(
      dueAt({ amount: 1, unit: 'hours' }, saturdayNight, DEFAULT_WORKING_HOURS),
      saturdayNight + 3600,
    );
  });

  test('one working day from Monday 11:00 in Brussels is Tuesday 11:00', () => {
    const monday = utc('2026-03-02T10:00:00Z');
    assert.equal(
      dueAt({ amount: 1, unit: 'working-days' }, monday, DEFAULT_WORKING_HOURS),
      utc('2026-03-03T10:00:00Z'),
    );
  });

  test('from Friday 19:00 the weekend does not count: Monday 19:00', () => {
    const friday = utc('2026-03-06T18:00:00Z');
    assert.equal(
      dueAt({ amount: 1, unit: 'working-days' }, friday, DEFAULT_WORKING_HOURS),
      utc('2026-03-09T18:00:00Z'),
    );
  });

  test('sent at night, the clock starts at 07:00', () => {
    const night = utc('2026-03-03T01:00:00Z'); // Tuesday 02:00 in Brussels
    assert.equal(
      dueAt({ amount: 1, unit: 'working-days' }, night, DEFAULT_WORKING_HOURS),
      utc('2026-03-03T19:00:00Z'),
    );
  });

  test('across the change to summer time, local hours still count: Monday 19:00 CEST', () => {
    const friday = utc('2026-03-27T18:00:00Z'); // Friday 19:00 CET; summer time starts on Sunday
    assert.equal(
      dueAt({ amount: 1, unit: 'working-days' }, friday, DEFAULT_WORKING_HOURS),
      utc('2026-03-30T17:00:00Z'),
    );
  });

  test("the addressee's own working hours and days", () => {
    const hours: WorkingHours = {
      timeZone: 'Asia/Nicosia',
      days: ['mon', 'tue', 'wed', 'thu'],
      start: 8 * 60,
      end: 16 * 60,
    };
    // Thursday 15:00 in Nicosia (UTC+2): 1 h on Thursday, then Monday 08:00 + 7 h.
    const thursday = utc('2026-03-05T13:00:00Z');
    assert.equal(dueAt({ amount: 1, unit: 'working-days' }, thursday, hours), utc('2026-03-09T13:00:00Z'));
    assert.equal(afterWorkingTime(hours, thursday, 0), thursday);
  });
});
