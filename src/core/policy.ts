/**
 * Who gets a key (docs/design.md §6), as one pure function shared by the sender's client, every
 * recipient and the server. A device is entitled to a cable when, at the cable's directory
 * epoch, its user's organisation is in the distribution, the user's clearance and the
 * organisation's accreditation both cover the classification (as does the network's), and
 * the user is the org's registry, or shares a working group with the cable, or the cable
 * names no group. The sender's own devices and its organisation's registry are always
 * entitled (an organisation keeps the record of what it sent), subject to clearance.
 *
 * Both functions read only decoded values: `entitledDevices` throws an EncodingError naming
 * the field of a malformed input or directory; `isEntitled` is a predicate and answers false.
 */

import { MAX_ADDRESSEES, MAX_GROUPS } from './cable/cable-header.ts';
import type { AddresseeRole } from './cable/precedence.ts';
import { ADDRESSEE_ROLES } from './cable/precedence.ts';
import type { JsonValue } from './encoding/canonical-json.ts';
import { MAX_TIME, MIN_TIME } from './encoding/date-time-group.ts';
import { array, enumOf, integer, object } from './encoding/decode.ts';
import { EncodingError } from './encoding/encoding-error.ts';
import { decodeDeviceId, decodeGroup, decodeOrgId, decodeUserId } from './encoding/identifiers.ts';
import { toJsonValue } from './encoding/to-json.ts';
import {
  decodeDeviceCertificate,
  decodeOrgCertificate,
  decodeUserCertificate,
} from './identity/certificate.ts';
import type { Classification } from './identity/classification.ts';
import { CLASSIFICATIONS, covers } from './identity/classification.ts';
import type { Directory, DirectoryDevice } from './identity/directory.ts';
import { isDirectory } from './identity/directory.ts';

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

// The bounds of the header fields policy reads (cable-header.ts), without the sort rules:
// policy gives the same answer whatever the order of the lists.
const decodePolicyInput = object({
  org: decodeOrgId,
  sender: object({ user: decodeUserId, device: decodeDeviceId }),
  classification: enumOf(CLASSIFICATIONS),
  distribution: array(object({ org: decodeOrgId, role: enumOf(ADDRESSEE_ROLES) }), {
    min: 1,
    max: MAX_ADDRESSEES,
  }),
  groups: array(decodeGroup, { max: MAX_GROUPS }),
  epoch: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  sentAt: integer({ min: MIN_TIME, max: MAX_TIME }),
});

const decodeDirectoryDevice = object({
  device: decodeDeviceCertificate,
  user: decodeUserCertificate,
  org: decodeOrgCertificate,
});

/**
 * The fields policy reads (a header has more), decoded and checked; throws EncodingError for
 * anything policy would refuse. Exported for entitled-sets.ts, which checks every input it is
 * asked about as policy does before it looks in its memo.
 */
export function checkPolicyInput(input: PolicyInput): PolicyInput {
  if (typeof input !== 'object' || input === null) {
    throw new EncodingError('WRONG_TYPE', 'input', 'input: expected the header fields policy reads');
  }
  const { org, sender, classification, distribution, groups, epoch, sentAt } = input;
  const picked = { org, sender, classification, distribution, groups, epoch, sentAt };
  return decodePolicyInput((toJsonValue({ input: picked }) as { input: JsonValue }).input, 'input');
}

function checkEntry(entry: DirectoryDevice): DirectoryDevice {
  if (typeof entry !== 'object' || entry === null) {
    throw new EncodingError('WRONG_TYPE', 'entry', 'entry: expected a directory device');
  }
  const { device, user, org } = entry;
  const picked = { device, user, org };
  return decodeDirectoryDevice((toJsonValue({ entry: picked }) as { entry: JsonValue }).entry, 'entry');
}

/** True when `entry` is entitled to a cable described by `input` (see the module header). */
export function isEntitled(input: PolicyInput, entry: DirectoryDevice, networkCap: Classification): boolean {
  try {
    const checked = checkPolicyInput(input);
    return entitled(checked, checkEntry(entry), networkCap, addresseesOf(checked));
  } catch {
    return false; // a predicate: nothing malformed is ever entitled
  }
}

/** The organisations in the distribution, asked once per device. */
function addresseesOf(input: PolicyInput): ReadonlySet<string> {
  return new Set(input.distribution.map((d) => d.org));
}

function entitled(
  input: PolicyInput,
  entry: DirectoryDevice,
  networkCap: Classification,
  addressees: ReadonlySet<string>,
): boolean {
  const { device, user, org } = entry;
  // A device past its validity at the cable's date gets no key.
  if (input.sentAt >= device.expiresAt) return false;
  if (!covers(networkCap, input.classification)) return false;
  if (!covers(org.accreditation, input.classification)) return false;
  if (!covers(user.clearance, input.classification)) return false;
  if (user.user === input.sender.user) return true;
  if (org.org === input.org && user.role === 'registry') return true;
  if (!addressees.has(org.org)) return false;
  if (user.role === 'registry' || input.groups.length === 0) return true;
  return user.groups.some((g) => input.groups.includes(g));
}

/** The sorted ids of every device entitled to the cable, at the cable's epoch. */
export function entitledDevices(input: PolicyInput, directory: Directory): string[] {
  const checked = checkPolicyInput(input);
  if (!isDirectory(directory)) {
    throw new EncodingError(
      'WRONG_TYPE',
      'directory',
      'directory: expected an opened directory (openDirectory)',
    );
  }
  const addressees = addresseesOf(checked);
  const out: string[] = [];
  for (const entry of directory.devices(checked.epoch)) {
    if (entitled(checked, entry, directory.root.accreditation, addressees)) out.push(entry.device.device);
  }
  return out.sort();
}
