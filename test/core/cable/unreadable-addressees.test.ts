/** Addressees nobody can read (src/core/cable/unreadable-addressees.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unreadableAddressees } from '../../../src/core/cable/unreadable-addressees.ts';
import { buildNetwork, T0 } from '../fixtures/network.ts';

test('an addressee with nobody cleared, in the groups, or its registry, is named; the others are not', async () => {
  const net = await buildNetwork({
    orgs: [{ org: 'DE' }, { org: 'FR' }, { org: 'PL' }, { org: 'CY' }],
    users: [
      { user: 'de.anna', org: 'DE', clearance: 'RESTREINT UE', groups: ['COEST'] },
      { user: 'fr.claire', org: 'FR', clearance: 'RESTREINT UE', groups: ['COEST'] },
      { user: 'cy.eva', org: 'CY', clearance: 'UNCLASSIFIED', groups: ['COEST'] },
      { user: 'pl.jan', org: 'PL', clearance: 'RESTREINT UE', groups: ['CONUN'] },
    ],
  });
  const directory = await net.directory();
  const anna = net.devicesOf('de.anna')[0]!;
  const input = {
    org: 'DE',
    sender: { user: 'de.anna', device: anna.id },
    classification: 'RESTREINT UE' as const,
    distribution: [
      { org: 'CY', role: 'action' as const },
      { org: 'FR', role: 'action' as const },
      { org: 'PL', role: 'info' as const },
    ],
    groups: ['COEST'],
    epoch: directory.epoch,
    sentAt: T0,
  };
  assert.deepEqual(unreadableAddressees(input, directory), [
    { org: 'CY', role: 'action' },
    { org: 'PL', role: 'info' },
  ]);
  assert.deepEqual(
    unreadableAddressees({ ...input, classification: 'UNCLASSIFIED', groups: [] }, directory),
    [],
  );
});
