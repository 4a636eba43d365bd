/**
 * The addressees nobody can read (docs/design.md §6): organisations in the distribution none
 * of whose devices policy entitles to the cable (no one cleared, none in its groups, no
 * registry, or every device revoked). A cable to them is delivered to no one, and silence
 * from an action addressee who cannot read is never assent, so the sender is told in plain
 * words before sealing. Throws, as `entitledDevices` does, on a malformed input.
 */
import type { Directory } from '../identity/directory.ts';
import { entitledDevices, type PolicyInput } from '../policy.ts';
import type { Addressee } from './cable-header.ts';

export function unreadableAddressees(input: PolicyInput, directory: Directory): Addressee[] {
  const readers = new Set<string>();
  for (const id of entitledDevices(input, directory)) {
    const org = directory.device(id)?.org.org;
    if (org !== undefined) readers.add(org);
  }
  return input.distribution.filter((a) => !readers.has(a.org)).map((a) => ({ org: a.org, role: a.role }));
}
