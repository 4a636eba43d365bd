import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { CLASSIFICATIONS, covers } from '../../src/core/identity/classification.ts';
import type { Directory } from '../../src/core/identity/directory.ts';
import type { PolicyInput } from '../../src/core/policy.ts';
import { entitledDevices } from '../../src/core/policy.ts';
import type { FixtureNetwork } from './fixtures/network.ts';
import { buildVariedNetwork, revokeDevice, T0 } from './fixtures/network.ts';

const RUNS = Number(process.env.VALISE_PROPERTY_RUNS ?? 1000);
const ORGS = ['DE', 'CY', 'FR', 'EEAS', 'COM'] as const;
const GROUPS = ['COEST', 'CONUN', 'PSC'] as const;

let net: FixtureNetwork;
let dir: Directory;

before(async () => {
  // A fixed, varied network: every combination of role and clearance appears somewhere.
  net = await buildVariedNetwork(ORGS, GROUPS, (n) => (((n - 1) * 7) % 3 === 0 ? undefined : {}));
  dir = await net.directory();
});

const inputArb = () =>
  fc
    .record({
      sender: fc.integer({ min: 0, max: 1000 }),
      classification: fc.constantFrom(...CLASSIFICATIONS),
      distribution: fc.subarray([...ORGS], { minLength: 1 }),
      roles: fc.array(fc.constantFrom('action' as const, 'info' as const), { minLength: 5, maxLength: 5 }),
      groups: fc.subarray([...GROUPS]),
    })
    .map(({ sender, classification, distribution, roles, groups }): PolicyInput => {
      const s = net.devices[sender % net.devices.length]!;
      return {
        org: s.org,
        sender: { user: s.user, device: s.id },
        classification,
        distribution: distribution.map((org, i) => ({ org, role: roles[i]! })),
        groups,
        epoch: dir.epoch,
        sentAt: T0,
      };
    });

describe('entitledDevices (docs/design.md §6)', () => {
  test('never includes a device whose user or org is below the classification', () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        for (const id of entitledDevices(input, dir)) {
          const d = dir.device(id)!;
          assert.ok(covers(d.user.clearance, input.classification), 'clearance covers');
          assert.ok(covers(d.org.accreditation, input.classification), 'accreditation covers');
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('never includes a device outside the distribution, other than the sender and its registry', () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        for (const id of entitledDevices(input, dir)) {
          const d = dir.device(id)!;
          const inDistribution = input.distribution.some((a) => a.org === d.org.org);
          const senderSide =
            d.user.user === input.sender.user || (d.org.org === input.org && d.user.role === 'registry');
          assert.ok(inDistribution || senderSide, `${d.user.user} of ${d.org.org} got a key`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('is exactly the set the written rule describes', () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        // The rule of docs/design.md §6 restated independently, device by device.
        const expected = net.devices
          .filter((fd) => {
            const d = dir.device(fd.id)!;
            const cleared =
              covers(d.user.clearance, input.classification) &&
              covers(d.org.accreditation, input.classification) &&
              covers(dir.root.accreditation, input.classification);
            const sender = d.user.user === input.sender.user;
            const ownRegistry = d.org.org === input.org && d.user.role === 'registry';
            const addressed = input.distribution.some((a) => a.org === d.org.org);
            const needToKnow =
              d.user.role === 'registry' ||
              input.groups.length === 0 ||
              d.user.groups.some((g) => input.groups.includes(g));
            return cleared && (sender || ownRegistry || (addressed && needToKnow));
          })
          .map((d) => d.id)
          .sort();
        assert.deepEqual(entitledDevices(input, dir), expected);
      }),
      { numRuns: RUNS },
    );
  });

  test('a device revoked before the epoch gets nothing; one revoked after still counts at the epoch', async () => {
    const { openDirectory } = await import('../../src/core/identity/directory.ts');
    const target = net.devices.find((d) => dir.device(d.id)!.user.clearance === 'SECRET UE')!;
    const rev = await revokeDevice(net, target);
    const later = await openDirectory(net.root, [...net.entries, rev]);
    const input: PolicyInput = {
      org: target.org,
      sender: { user: target.user, device: target.id },
      classification: 'UNCLASSIFIED',
      distribution: [{ org: target.org, role: 'action' }],
      groups: [],
      epoch: later.epoch,
      sentAt: T0,
    };
    assert.ok(!entitledDevices(input, later).includes(target.id));
    assert.ok(entitledDevices({ ...input, epoch: net.entries.length }, later).includes(target.id));
  });

  test("a device past its expiry at the cable's date gets nothing", () => {
    const d = net.devices[0]!;
    const input: PolicyInput = {
      org: d.org,
      sender: { user: d.user, device: d.id },
      classification: 'UNCLASSIFIED',
      distribution: [{ org: d.org, role: 'action' }],
      groups: [],
      epoch: dir.epoch,
      sentAt: d.cert.expiresAt,
    };
    assert.ok(!entitledDevices(input, dir).includes(d.id));
    assert.ok(entitledDevices({ ...input, sentAt: T0 }, dir).includes(d.id));
  });
});
