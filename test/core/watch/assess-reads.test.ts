import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessReads } from '../../../src/core/watch/assess-reads.ts';
import { DEFAULT_READ_THRESHOLDS } from '../../../src/core/watch/read-thresholds.ts';

const member = DEFAULT_READ_THRESHOLDS.member;

describe('assessing reads', () => {
  test('reads at a limit raise nothing; the first past it does', () => {
    const at = { minute: member.alert.minute, '10 minutes': 0, hour: 0, day: 0 };
    assert.deepEqual(assessReads(at, member), { response: 'none' });
    const past = { ...at, minute: member.alert.minute + 1 };
    assert.deepEqual(assessReads(past, member), {
      response: 'alert',
      window: 'minute',
      reads: member.alert.minute + 1,
      limit: member.alert.minute,
    });
  });

  test('the strongest response wins, with the window that tripped it', () => {
    const totals = { minute: 1, '10 minutes': 2, hour: 3, day: member.suspend.day + 1 };
    const assessment = assessReads(totals, member);
    assert.deepEqual(assessment, {
      response: 'suspend',
      window: 'day',
      reads: member.suspend.day + 1,
      limit: member.suspend.day,
    });
  });
});
