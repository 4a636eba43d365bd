/**
 * Addressees nobody can read (docs/design.md §6): an organisation in the distribution with no
 * device the policy entitles (nobody cleared, nobody in the working groups, no device
 * enrolled). A cable to it is delivered to no one there, and for an action addressee that
 * means the action will never be taken; shells say so in plain words and ask before sending.
 */
import type { Addressee } from '../core/cable/cable-header.ts';
import type { Directory } from '../core/identity/directory.ts';
import { entitledDevices, type PolicyInput } from '../core/policy.ts';

export function undeliverableAddressees(input: PolicyInput, directory: Directory): readonly Addressee[] {
  const reached = new Set(
    entitledDevices(input, directory).map((device) => directory.device(device, input.epoch)?.org.org),
  );
  return input.distribution.filter((addressee) => !reached.has(addressee.org));
}

/** `PL — nobody can read this cable`, one line per addressee. */
export function undeliverableWarning(addressees: readonly Addressee[]): string {
  return addressees.map((a) => `${a.org} (${a.role}) — nobody can read this cable`).join('; ');
}
