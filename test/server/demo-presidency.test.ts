/** The demo network names the Council Presidency of its half-year, with that term. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoPresidency } from '../../src/server/demo-presidency.ts';

const at = (iso: string) => Date.parse(iso) / 1000;

test('the Presidency of the half-year of the demo start, with its term; none outside the table', () => {
  assert.deepEqual(demoPresidency(at('2026-12-04T18:00:00Z')), {
    org: 'IE',
    from: at('2026-07-01T00:00:00Z'),
    until: at('2027-01-01T00:00:00Z'),
  });
  assert.deepEqual(demoPresidency(at('2026-03-02T10:00:00Z')), {
    org: 'CY',
    from: at('2026-01-01T00:00:00Z'),
    until: at('2026-07-01T00:00:00Z'),
  });
  assert.equal(demoPresidency(at('2027-06-30T23:59:59Z'))?.org, 'LT');
  assert.equal(demoPresidency(at('2027-07-01T00:00:00Z'))?.org, 'EL');
  assert.equal(demoPresidency(at('2031-01-01T00:00:00Z')), undefined);
});
