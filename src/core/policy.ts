/**
 * Who gets a key (DESIGN §6), as one pure function shared by the sender's client, every
 * recipient and the server. A device is entitled to a cable when, at the cable's directory
 * epoch, its user's organisation is in the distribution, the user's clearance and the
 * organisation's accreditation both cover the classification (as does the network's), and
 * the user is the org's registry, or shares a working group with the cable, or the cable
 * names no group. The sender's own devices and its organisation's registry are always
 * entitled (an organisation keeps the record of what it sent), subject to clearance.
 */

import type { Classification } from './classification.ts';
import { covers } from './classification.ts';
import type { Directory, DirectoryDevice } from './directory.ts';
import type { AddresseeRole } from './precedence.ts';

/** The header fields policy reads. */
export interface PolicyInput {
  readonly org: string;
  readonly sender: { readonly user: string; readonly device: string };
  readonly classification: Classification;
  readonly distribution: readonly { readonly org: string; readonly role: AddresseeRole }[];
  readonly groups: readonly string[];
  readonly epoch: number;
  readonly sentAt: number;
}

/** True when `entry` is entitled to a cable described by `input` (see the module header). */
export function isEntitled(input: PolicyInput, entry: DirectoryDevice, networkCap: Classification): boolean {
  const { device, user, org } = entry;
  // A device past its validity at the cable's date gets no key.
  if (input.sentAt >= device.expiresAt) return false;
  if (!covers(networkCap, input.classification)) return false;
  if (!covers(org.accreditation, input.classification)) return false;
  if (!covers(user.clearance, input.classification)) return false;
  if (user.user === input.sender.user) return true;
  if (org.org === input.org && user.role === 'registry') return true;
  if (!input.distribution.some((d) => d.org === org.org)) return false;
  if (user.role === 'registry' || input.groups.length === 0) return true;
  return user.groups.some((g) => input.groups.includes(g));
}

/** The sorted ids of every device entitled to the cable, at the cable's epoch. */
export function entitledDevices(input: PolicyInput, directory: Directory): string[] {
  const out: string[] = [];
  for (const entry of directory.devices(input.epoch)) {
    if (isEntitled(input, entry, directory.root.accreditation)) out.push(entry.device.device);
  }
  return out.sort();
}
