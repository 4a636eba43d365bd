/**
 * The key unauthenticated refusals are counted under: one per IPv4 address, one per IPv6 /64
 * (a host holds a whole /64), whatever spelling the socket gives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalSource } from '../../src/server/refusal-source.ts';

test('an IPv4 address is its own source, also when mapped into IPv6', () => {
  assert.equal(refusalSource('192.0.2.7'), '192.0.2.7');
  assert.equal(refusalSource('::ffff:192.0.2.7'), '192.0.2.7');
});

test('every address of one IPv6 /64 is one source, in any spelling', () => {
  const a = refusalSource('2001:db8:1:2::1');
  assert.equal(a, '2001:db8:1:2::/64');
  assert.equal(refusalSource('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), a);
  assert.equal(refusalSource('2001:db8:1:2:abcd::9'), a);
  assert.notEqual(refusalSource('2001:db8:1:3::1'), a);
  assert.equal(refusalSource('::1'), '0:0:0:0::/64');
});

test('anything else is the one unknown source', () => {
  for (const address of [undefined, '', 'evil', '999.1.1.1', 'fe80::1::2']) {
    assert.equal(refusalSource(address), 'unknown', String(address));
  }
});
