/**
 * The verified key directory (docs/design.md §4–§6): the ordered list of signed certificate
 * entries, replayed from the pinned network root. Every entry is checked against its
 * issuer as it stood at that point of the list; an entry that fails is kept out and its
 * reason recorded, so one bad entry cannot poison the rest and a recipient can say exactly
 * why a sender is not trusted. Lookups can be asked "as of epoch e" (the first e entries),
 * which is how the sender and every recipient agree on the entitled set of a cable.
 *
 * The root and the entries are decoded first (a malformed one is an EncodingError naming it,
 * say `entries[3].body.kind`): only decoded, frozen values are replayed and handed out. The
 * lookups answer undefined for what is not there, and refuse an id that is not a string or an
 * epoch that is not an integer, rather than guess.
 */

import type { JsonValue } from '../encoding/canonical-json.ts';
import { enumOf, object } from '../encoding/decode.ts';
import { EncodingError } from '../encoding/encoding-error.ts';
import { decodeEd25519PublicKey } from '../encoding/identifiers.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { DeviceCertificate, OrgCertificate, SignedEntry, UserCertificate } from './certificate.ts';
import { decodeNetworkName, decodeSignedEntries } from './certificate.ts';
import type { Classification } from './classification.ts';
import { CLASSIFICATIONS } from './classification.ts';
import { replay } from './replay-directory.ts';

/** What a client pins: the network's name, root key and accreditation cap. */
export interface NetworkRoot {
  readonly network: string;
  readonly key: Uint8Array;
  readonly accreditation: Classification;
}

export const REJECTION_REASONS = [
  'BAD_SIGNATURE',
  'WRONG_NETWORK',
  'UNKNOWN_ISSUER',
  'ISSUER_REVOKED',
  'UNKNOWN_USER',
  'USER_IN_OTHER_ORG',
  'DUPLICATE_DEVICE',
  'REVOKED_SUBJECT',
  'UNKNOWN_SUBJECT',
  /** An organisation or user certificate whose version is not above the one in force. */
  'VERSION_NOT_NEWER',
  /** A new version whose issuedAt is before the one in force. */
  'ISSUED_BEFORE_CURRENT',
  /** Signed by an issuer that may not grant it (see certificate-issuer.ts). */
  'ROLE_NOT_GRANTABLE',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** A device as policy sees it at one epoch: its certificate, its user and its org. */
export interface DirectoryDevice {
  readonly device: DeviceCertificate;
  readonly user: UserCertificate;
  readonly org: OrgCertificate;
}

export interface Directory {
  readonly kind: 'Directory';
  readonly root: NetworkRoot;
  /** The number of entries replayed; a cable names the epoch its sender used. */
  readonly epoch: number;
  readonly entries: readonly SignedEntry[];
  /** Entries kept out, by index, with the reason. */
  readonly rejected: ReadonlyMap<number, RejectionReason>;
  /** The device and its chain as of `epoch` (default: the latest), if valid then. */
  device(id: string, epoch?: number): DirectoryDevice | undefined;
  /** Why a device id is not valid at `epoch`, or undefined when it is. */
  deviceProblem(id: string, epoch?: number): 'UNKNOWN' | 'REVOKED' | 'REJECTED' | undefined;
  user(id: string, epoch?: number): UserCertificate | undefined;
  org(id: string, epoch?: number): OrgCertificate | undefined;
  /** Every device valid at `epoch`, in entry order. */
  devices(epoch?: number): DirectoryDevice[];
}

/**
 * True for a directory as `openDirectory` returns it: the check callers make before they use
 * one, so a look-alike (`{ kind: 'Directory' }`) is refused rather than called. Never throws.
 */
export function isDirectory(value: unknown): value is Directory {
  try {
    if (typeof value !== 'object' || value === null) return false;
    const d = value as Partial<Directory>;
    return (
      d.kind === 'Directory' &&
      Number.isSafeInteger(d.epoch) &&
      typeof d.root === 'object' &&
      d.root !== null &&
      [d.device, d.deviceProblem, d.devices, d.user, d.org].every((method) => typeof method === 'function')
    );
  } catch {
    return false; // a Proxy whose traps throw is no directory
  }
}

const decodeOpenDirectoryInput = object({
  root: object({
    network: decodeNetworkName,
    key: decodeEd25519PublicKey,
    accreditation: enumOf(CLASSIFICATIONS),
  }),
  entries: decodeSignedEntries,
});

/**
 * Replays `entries` from `root`. Verification is one Ed25519 check per entry, done here
 * once; lookups afterwards are map reads.
 */
export async function openDirectory(root: NetworkRoot, entries: readonly SignedEntry[]): Promise<Directory> {
  // Wrapping both in one object makes every error name its field (`root.key`, `entries[3]…`).
  const input = decodeOpenDirectoryInput(toJsonValue({ root, entries }) as JsonValue, '');
  return replay(input.root, input.entries, NOTHING_VERIFIED);
}

/**
 * The directory with `more` entries appended. The entries `directory` already replayed are
 * replayed again for their state but their signatures are not checked again, and those it
 * kept out stay out for the same reason: appending one certificate costs one signature
 * check, not one per entry of the network.
 */
export async function extendDirectory(
  directory: Directory,
  more: readonly SignedEntry[],
): Promise<Directory> {
  if (!isDirectory(directory))
    throw new EncodingError('WRONG_TYPE', 'directory', 'directory: expected an opened directory');
  const input = decodeOpenDirectoryInput(
    toJsonValue({ root: directory.root, entries: more }) as JsonValue,
    '',
  );
  return replay(input.root, [...directory.entries, ...input.entries], {
    epoch: directory.epoch,
    rejected: directory.rejected,
  });
}

/** What an earlier replay of a prefix of the entries already established. */
export interface VerifiedPrefix {
  /** How many entries, from the first, were replayed with their signatures checked. */
  readonly epoch: number;
  /** Those of them kept out, by index, with the reason. */
  readonly rejected: ReadonlyMap<number, RejectionReason>;
}

/**
 * Replays `entries` of which the first `verified.epoch` were replayed before, from the same
 * root and with the same bytes (the caller answers for that: the client proves it with the
 * signed record of what it verified, directory-cache.ts): as with `extendDirectory`, their
 * signatures are not checked again and those kept out stay out, so only the entries past
 * `verified.epoch` cost a signature check. A prefix longer than the entries, or naming an
 * index outside it or a reason that does not exist, is refused.
 */
export async function resumeDirectory(
  root: NetworkRoot,
  entries: readonly SignedEntry[],
  verified: VerifiedPrefix,
): Promise<Directory> {
  const input = decodeOpenDirectoryInput(toJsonValue({ root, entries }) as JsonValue, '');
  const { epoch, rejected } = verified;
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > input.entries.length) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      'verified.epoch',
      'verified.epoch: expected 0 to the number of entries',
    );
  }
  for (const [index, reason] of rejected) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= epoch || !REJECTION_REASONS.includes(reason)) {
      throw new EncodingError(
        'OUT_OF_RANGE',
        'verified.rejected',
        'verified.rejected: expected reasons for entries inside the verified prefix',
      );
    }
  }
  return replay(input.root, input.entries, { epoch, rejected });
}

const NOTHING_VERIFIED: VerifiedPrefix = { epoch: 0, rejected: new Map() };
