import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { EntitledSets } from '../../../src/core/cable/entitled-sets.ts';
import { EncodingError } from '../../../src/core/encoding/encoding-error.ts';
import { CLASSIFICATIONS } from '../../../src/core/identity/classification.ts';
import type { Directory } from '../../../src/core/identity/directory.ts';
import { openDirectory } from '../../../src/core/identity/directory.ts';
import { entitledDevices, type PolicyInput } from '../../../src/core/policy.ts';
import type { FixtureDevice, FixtureNetwork } from '../fixtures/network.ts';
import { buildVariedNetwork, revokeDevice, T0 } from '../fixtures/network.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);
const ORGS = ['DE', 'CY', 'FR', 'EEAS'] as const;
const GROUPS = ['COEST', 'CONUN', 'PSC'] as const;
const DAY = 86_400;

let net: FixtureNetwork;

/** A cable from `d` to its own organisation, at `dir`'s epoch, dated `sentAt`. */
function inputFrom(d: FixtureDevice, dir: Directory, sentAt: number): PolicyInput {
  return {
    org: d.org,
    sender: { user: d.user, device: d.id },
    classification: 'UNCLASSIFIED',
    distribution: [{ org: d.org, role: 'action' }],
    groups: [],
    epoch: dir.epoch,
    sentAt,
  };
}

/**
 * The network; the same with one device revoked after it (a later epoch); and a directory of
 * the same length whose last entry is that revocation instead (same epochs, other sets).
 */
let directories: Directory[];

before(async () => {
  // Every role and clearance somewhere, and devices expiring on different days around T0.
  net = await buildVariedNetwork(ORGS, GROUPS, (n) => ({
    devices: 1 + (n % 2),
    devicesExpireAt: T0 + ((n % 5) + 1) * DAY,
  }));
  const target = net.devices[3]!;
  const revocation = await revokeDevice(net, target);
  directories = [
    await net.directory(),
    await openDirectory(net.root, [...net.entries, revocation]),
    await openDirectory(net.root, [...net.entries.slice(0, -1), revocation]),
  ];
});

const inputArb = () =>
  fc
    .record({
      directory: fc.nat(2),
      epochBack: fc.constantFrom(0, 0, 0, 1, 5),
      sender: fc.nat(1000),
      classification: fc.constantFrom(...CLASSIFICATIONS),
      distribution: fc.subarray([...ORGS], { minLength: 1 }),
      groups: fc.subarray([...GROUPS]),
      // Dates on, before and after the devices' expiry days.
      sentAt: fc.integer({ min: T0 - DAY, max: T0 + 7 * DAY }),
    })
    .map(({ directory, epochBack, sender, classification, distribution, groups, sentAt }) => {
      const dir = directories[directory]!;
      const s = net.devices[sender % net.devices.length]!;
      const input: PolicyInput = {
        org: s.org,
        sender: { user: s.user, device: s.id },
        classification,
        distribution: distribution.map((org) => ({ org, role: 'action' as const })),
        groups,
        epoch: dir.epoch - epochBack,
        sentAt,
      };
      // The directory by its index, so that a counterexample prints short.
      return { directory, input };
    });

describe('EntitledSets: remembered entitled sets are the policy function', () => {
  test('one memo, asked about many cables over three directories, answers exactly entitledDevices', () => {
    const memo = new EntitledSets();
    let nonEmpty = 0;
    fc.assert(
      fc.property(inputArb(), ({ directory, input }) => {
        const dir = directories[directory]!;
        const expected = entitledDevices(input, dir);
        if (expected.length > 0) nonEmpty++;
        assert.deepEqual(memo.of(input, dir), expected);
        // Asked again (now from memory), the answer is the same.
        assert.deepEqual(memo.of(input, dir), expected);
      }),
      { numRuns: RUNS },
    );
    assert.ok(nonEmpty > RUNS / 4, 'the inputs reach devices');
  });

  test("a device expired at the cable's date is dropped from a remembered set", () => {
    const memo = new EntitledSets();
    const dir = directories[0]!;
    const d = net.devices.find((device) => device.cert.expiresAt > T0)!;
    const input = inputFrom(d, dir, T0 - 3 * DAY);
    assert.ok(memo.of(input, dir).includes(d.id));
    assert.ok(!memo.of({ ...input, sentAt: d.cert.expiresAt }, dir).includes(d.id));
  });

  test('a malformed input is refused with the error policy gives, remembered key or not', () => {
    const memo = new EntitledSets();
    const dir = directories[0]!;
    const d = net.devices[0]!;
    const input = inputFrom(d, dir, T0);
    memo.of(input, dir);
    for (const bad of [
      { ...input, sentAt: T0 + 0.5 },
      { ...input, sentAt: 1 },
      { ...input, classification: 'TRES SECRET UE' },
      { ...input, groups: ['not a group'] },
      { ...input, epoch: -1 },
      // JSON would hide it: a boxed number writes as the number.
      { ...input, epoch: new Number(dir.epoch) },
    ] as unknown as PolicyInput[]) {
      const policyError = (() => {
        try {
          entitledDevices(bad, dir);
          return undefined;
        } catch (error) {
          return error;
        }
      })();
      assert.ok(policyError instanceof EncodingError, JSON.stringify(bad));
      assert.throws(
        () => memo.of(bad, dir),
        (error) => error instanceof EncodingError && error.code === policyError.code,
      );
      assert.throws(() => memo.of(bad, dir), EncodingError, 'and again');
    }
  });
});
