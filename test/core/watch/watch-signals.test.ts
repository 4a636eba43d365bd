import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assessScore,
  originPrefix,
  originSignals,
  SCORE_LIMITS,
  TWO_ORIGINS_SECONDS,
} from '../../../src/core/watch/watch-signals.ts';

describe('originPrefix', () => {
  test('an IPv4 address is its /24, an IPv4-mapped address its IPv4 /24', () => {
    assert.equal(originPrefix('192.0.2.77'), '192.0.2.0/24');
    assert.equal(originPrefix('::ffff:192.0.2.9'), '192.0.2.0/24');
    assert.notEqual(originPrefix('192.0.3.1'), originPrefix('192.0.2.1'));
  });

  test('an IPv6 address is its /48, however it is written', () => {
    assert.equal(originPrefix('2001:db8:1:2::5'), '2001:db8:1::/48');
    assert.equal(originPrefix('2001:0db8:0001:ffff:0:0:0:1'), '2001:db8:1::/48');
    assert.equal(originPrefix('::1'), '0:0:0::/48');
    assert.notEqual(originPrefix('2001:db8:2::1'), originPrefix('2001:db8:1::1'));
  });
});

describe('originSignals', () => {
  const T = 1_772_445_600;
  test('the first request of a device sets its home and signals nothing', () => {
    assert.deepEqual(originSignals('192.0.2.0/24', T, []), []);
  });

  test('a network never seen is a new origin; a known one is nothing', () => {
    const seen = [{ prefix: '192.0.2.0/24', lastSeen: T - 3600 }];
    assert.deepEqual(originSignals('198.51.100.0/24', T, seen), ['new-origin']);
    assert.deepEqual(originSignals('192.0.2.0/24', T, seen), []);
  });

  test('going back to a network within two minutes of another is two origins at once; a move is not', () => {
    const office = '192.0.2.0/24';
    const thief = '198.51.100.0/24';
    const seen = [
      { prefix: office, lastSeen: T - 300 },
      { prefix: thief, lastSeen: T - 30 },
    ];
    assert.deepEqual(originSignals(office, T, seen), ['two-origins']);
    // The laptop moved home an hour ago and stays there: nothing.
    const moved = [
      { prefix: office, lastSeen: T - 7200 },
      { prefix: thief, lastSeen: T - 10 },
    ];
    assert.deepEqual(originSignals(thief, T, moved), []);
    // Back at the office the next morning: long after the other network was last used.
    assert.deepEqual(
      originSignals(
        office,
        T + TWO_ORIGINS_SECONDS + 1,
        moved.slice(0, 1).concat([{ prefix: thief, lastSeen: T }]),
      ),
      [],
    );
  });
});

describe('assessScore', () => {
  test('each response fires at its limit, not below', () => {
    assert.equal(assessScore(0), 'none');
    assert.equal(assessScore(SCORE_LIMITS.alert - 1), 'none');
    assert.equal(assessScore(SCORE_LIMITS.alert), 'alert');
    assert.equal(assessScore(SCORE_LIMITS['step-up']), 'step-up');
    assert.equal(assessScore(SCORE_LIMITS.suspend), 'suspend');
  });
});
