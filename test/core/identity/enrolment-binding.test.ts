/**
 * The enrolment binding (docs/design.md §5): the two halves of an invitation secret are
 * independent, the MAC binds every field it covers (a flipped bit anywhere in the keys, the
 * device, the label or the invitation is refused), and the comparison code is a fixed,
 * readable function of the keys that changes with either key.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { constantTimeEqual, randomBytes } from '../../../src/core/encoding/bytes.ts';
import {
  bindEnrolment,
  comparisonCode,
  invitationKeys,
  normaliseComparisonCode,
  verifyEnrolmentBinding,
} from '../../../src/core/identity/enrolment-binding.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 200);

const bound = () => ({
  invitation: 'aW52aXRhdGlvbi1pZC0x',
  device: 'ZGV2aWNlLWlkLTAwMDAx',
  label: 'laptop',
  signingKey: randomBytes(32),
  kemKey: randomBytes(1216),
});

describe('enrolment binding', () => {
  test('the redeem and binding halves differ, and neither is the secret', () => {
    const secret = randomBytes(32);
    const { redeem, binding } = invitationKeys(secret);
    assert.equal(redeem.length, 32);
    assert.equal(binding.length, 32);
    assert.ok(!constantTimeEqual(redeem, binding));
    assert.ok(!constantTimeEqual(redeem, secret) && !constantTimeEqual(binding, secret));
    assert.deepEqual(invitationKeys(secret), { redeem, binding }, 'deterministic');
    assert.throws(() => invitationKeys(randomBytes(31)), RangeError);
  });

  test('a MAC verifies for exactly the keys it was made for: any flipped bit is refused', () => {
    const { binding } = invitationKeys(randomBytes(32));
    const device = bound();
    const mac = bindEnrolment(binding, device);
    assert.ok(verifyEnrolmentBinding(binding, device, mac));
    assert.ok(!verifyEnrolmentBinding(invitationKeys(randomBytes(32)).binding, device, mac), 'other key');
    fc.assert(
      fc.property(
        fc.constantFrom('signingKey', 'kemKey', 'mac'),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (field, at, bit) => {
          const flip = (bytes: Uint8Array) => {
            const copy = bytes.slice();
            copy[at % copy.length]! ^= 1 << bit;
            return copy;
          };
          if (field === 'mac') return !verifyEnrolmentBinding(binding, device, flip(mac));
          return !verifyEnrolmentBinding(binding, { ...device, [field]: flip(device[field]) }, mac);
        },
      ),
      { numRuns: RUNS },
    );
    for (const field of ['invitation', 'device', 'label'] as const) {
      assert.ok(!verifyEnrolmentBinding(binding, { ...device, [field]: `${device[field]}x` }, mac), field);
    }
    assert.ok(!verifyEnrolmentBinding(binding, device, mac.subarray(0, 31)), 'a short MAC');
  });

  test('the comparison code reads as four groups of base32 and follows both keys', () => {
    const { signingKey, kemKey } = bound();
    const code = comparisonCode(signingKey, kemKey);
    assert.match(code, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    assert.equal(comparisonCode(signingKey, kemKey), code);
    assert.notEqual(comparisonCode(randomBytes(32), kemKey), code);
    assert.notEqual(comparisonCode(signingKey, randomBytes(1216)), code);
    assert.equal(normaliseComparisonCode(code.toLowerCase().replaceAll('-', ' ')), code.replaceAll('-', ''));
  });
});
