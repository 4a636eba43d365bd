/**
 * The directory's replay (directory.ts): entries are applied in order from the pinned root,
 * each checked against its issuer as it stood at that point; an entry that fails is kept
 * out with its reason. Inside a prefix verified before (a resumed directory), signatures
 * are known good and only the state is replayed. The result answers lookups "as of epoch e".
 */
import { toBase64url } from '../encoding/bytes.ts';
import { EncodingError } from '../encoding/encoding-error.ts';
import type { Role } from '../encoding/identifiers.ts';
import type {
  DeviceCertificate,
  OrgCertificate,
  Revocation,
  SignedEntry,
  UserCertificate,
} from './certificate.ts';
import { requiredIssuer } from './certificate-issuer.ts';
import type {
  Directory,
  DirectoryDevice,
  NetworkRoot,
  RejectionReason,
  VerifiedPrefix,
} from './directory.ts';
import { supersedes } from './supersedes.ts';
import { verifyCertificate } from './verify-certificate.ts';

/** One version of a certificate and the epoch range in which it is in force. */
interface Version<C> {
  readonly cert: C;
  /** The entry index that introduced it: in force from epoch `from + 1`. */
  readonly from: number;
}

interface Revocable {
  /** Entry index of the revocation, if any: not in force from epoch `revokedAt + 1`. */
  revokedAt?: number;
}

/** A record is made with its first version and only grows. */
type Versions<C> = [Version<C>, ...Version<C>[]];

interface OrgRecord extends Revocable {
  readonly versions: Versions<OrgCertificate>;
  /** Signatures (base64url) of every certificate the subject had: a re-post is refused. */
  readonly signatures: Set<string>;
}
interface UserRecord extends Revocable {
  readonly versions: Versions<UserCertificate>;
  readonly signatures: Set<string>;
}
interface DeviceRecord extends Revocable {
  readonly version: Version<DeviceCertificate>;
}

function inForce(from: number, revokedAt: number | undefined, epoch: number): boolean {
  return from < epoch && (revokedAt === undefined || revokedAt >= epoch);
}

function versionAt<C>(versions: Versions<C>, epoch: number): C | undefined {
  return versions.findLast((version) => version.from < epoch)?.cert;
}

function latest<C>(versions: Versions<C>): C {
  const last = versions.at(-1);
  if (!last) throw new RangeError('a directory record has no version'); // Versions is never empty
  return last.cert;
}

function requireId(id: unknown): string {
  if (typeof id !== 'string') throw new EncodingError('WRONG_TYPE', 'id', 'id: expected a string');
  return id;
}

function requireEpoch(epoch: unknown): number | undefined {
  if (epoch !== undefined && (typeof epoch !== 'number' || !Number.isSafeInteger(epoch))) {
    throw new EncodingError('WRONG_TYPE', 'epoch', 'epoch: expected an integer, or nothing for the latest');
  }
  return epoch;
}

/** Device lists kept per directory, one per epoch asked for; a full set is emptied, not grown. */
const DEVICE_LISTS_KEPT = 16;

export async function replay(
  root: NetworkRoot,
  entries: readonly SignedEntry[],
  known: VerifiedPrefix,
): Promise<Directory> {
  const orgs = new Map<string, OrgRecord>();
  const users = new Map<string, UserRecord & { org: string }>();
  const devices = new Map<string, DeviceRecord>();
  const rejectedDevices = new Set<string>();
  const rejected = new Map<number, RejectionReason>();
  const now = entries.length;

  const orgKeyNow = (org: string): Uint8Array | RejectionReason => {
    const record = orgs.get(org);
    if (!record) return 'UNKNOWN_ISSUER';
    if (record.revokedAt !== undefined) return 'ISSUER_REVOKED';
    return latest(record.versions).key;
  };

  // Inside the verified prefix a signature is known good (its entry was not kept out), so
  // only the state is replayed; past it, every signature is checked.
  let checking = false;
  const verify = (entry: SignedEntry, key: Uint8Array): Promise<boolean> =>
    checking ? verifyCertificate(entry, key) : Promise.resolve(true);

  const seen = (record: { signatures: Set<string> }, entry: SignedEntry): boolean =>
    record.signatures.has(toBase64url(entry.signature));

  /** The role in force of user `id` of `org`, if that user exists and is not revoked. */
  const roleNow = (id: string, org: string): Role | undefined => {
    const record = users.get(id);
    if (!record || record.org !== org || record.revokedAt !== undefined) return undefined;
    return latest(record.versions).role;
  };

  /**
   * docs/design.md §5: the entry must be signed by the issuer its subject needs (certificate-issuer.ts),
   * and its organisation must be in force. Signed by the other issuer is a role that issuer
   * may not grant, told apart from a plain bad signature.
   */
  async function checkIssuer(
    entry: SignedEntry,
    subjectRole: Role | undefined,
  ): Promise<RejectionReason | undefined> {
    const orgKey = orgKeyNow(entry.body.org);
    if (typeof orgKey === 'string') return orgKey;
    const rootSigns = requiredIssuer(entry.body, subjectRole) === 'root';
    if (await verify(entry, rootSigns ? root.key : orgKey)) return undefined;
    return (await verifyCertificate(entry, rootSigns ? orgKey : root.key))
      ? 'ROLE_NOT_GRANTABLE'
      : 'BAD_SIGNATURE';
  }

  async function checkEntry(index: number, entry: SignedEntry): Promise<RejectionReason | undefined> {
    const body = entry.body;
    switch (body.kind) {
      case 'org': {
        // docs/design.md §5: organisations are certified by the network root, for this network only.
        if (body.network !== root.network) return 'WRONG_NETWORK';
        if (!(await verify(entry, root.key))) return 'BAD_SIGNATURE';
        let record = orgs.get(body.org);
        if (record?.revokedAt !== undefined) return 'REVOKED_SUBJECT';
        if (record) {
          const stale = supersedes(latest(record.versions), body, seen(record, entry));
          if (stale) return stale;
          record.versions.push({ cert: body, from: index });
        } else {
          record = { versions: [{ cert: body, from: index }], signatures: new Set() };
          orgs.set(body.org, record);
        }
        record.signatures.add(toBase64url(entry.signature));
        return undefined;
      }
      case 'user': {
        const problem = await checkIssuer(entry, roleNow(body.user, body.org));
        if (problem) return problem;
        let record = users.get(body.user);
        if (record && record.org !== body.org) return 'USER_IN_OTHER_ORG';
        if (record?.revokedAt !== undefined) return 'REVOKED_SUBJECT';
        if (record) {
          const stale = supersedes(latest(record.versions), body, seen(record, entry));
          if (stale) return stale;
          record.versions.push({ cert: body, from: index });
        } else {
          record = { org: body.org, versions: [{ cert: body, from: index }], signatures: new Set() };
          users.set(body.user, record);
        }
        record.signatures.add(toBase64url(entry.signature));
        return undefined;
      }
      case 'device': {
        const problem = await checkIssuer(entry, roleNow(body.user, body.org));
        if (problem) return problem;
        const user = users.get(body.user);
        if (!user || user.revokedAt !== undefined) return 'UNKNOWN_USER';
        if (user.org !== body.org) return 'USER_IN_OTHER_ORG';
        // A device id is certified once, whatever the version: a second certificate would swap its keys.
        if (devices.has(body.device) || rejectedDevices.has(body.device)) return 'DUPLICATE_DEVICE';
        devices.set(body.device, { version: { cert: body, from: index } });
        return undefined;
      }
      case 'revocation':
        return revoke(index, entry as SignedEntry<Revocation>);
    }
  }

  async function revoke(index: number, entry: SignedEntry<Revocation>): Promise<RejectionReason | undefined> {
    const body = entry.body;
    // An organisation is revoked by the root; its users and devices by the organisation,
    // except a network authority and its devices, which only the root revokes.
    if (body.subject === 'org') {
      if (!(await verify(entry, root.key))) return 'BAD_SIGNATURE';
    } else {
      const device = body.subject === 'device' ? devices.get(body.id)?.version.cert : undefined;
      const subjectUser = body.subject === 'user' ? body.id : device?.user;
      const subjectOrg = body.subject === 'user' ? body.org : device?.org;
      const role =
        subjectUser !== undefined && subjectOrg === body.org ? roleNow(subjectUser, body.org) : undefined;
      const problem = await checkIssuer(entry, role);
      if (problem) return problem;
    }
    const target =
      body.subject === 'org'
        ? body.id === body.org
          ? orgs.get(body.id)
          : undefined
        : body.subject === 'user'
          ? users.get(body.id)
          : devices.get(body.id);
    if (!target) return 'UNKNOWN_SUBJECT';
    if (body.subject === 'user' && (target as { org: string }).org !== body.org) return 'UNKNOWN_SUBJECT';
    if (body.subject === 'device' && (target as DeviceRecord).version.cert.org !== body.org)
      return 'UNKNOWN_SUBJECT';
    if (target.revokedAt !== undefined) return 'REVOKED_SUBJECT';
    target.revokedAt = index;
    return undefined;
  }

  for (const [index, entry] of entries.entries()) {
    const body = entry.body;
    checking = index >= known.epoch;
    const reason = checking
      ? await checkEntry(index, entry)
      : (known.rejected.get(index) ?? (await checkEntry(index, entry)));
    if (reason) {
      rejected.set(index, reason);
      if (body.kind === 'device') rejectedDevices.add(body.device);
    }
  }

  const orgAt = (id: string, epoch: number): OrgCertificate | undefined => {
    const record = orgs.get(id);
    return record && inForce(record.versions[0].from, record.revokedAt, epoch)
      ? versionAt(record.versions, epoch)
      : undefined;
  };
  const userAt = (id: string, epoch: number): UserCertificate | undefined => {
    const record = users.get(id);
    if (!record || !inForce(record.versions[0].from, record.revokedAt, epoch)) return undefined;
    const cert = versionAt(record.versions, epoch);
    return cert && orgAt(cert.org, epoch) ? cert : undefined;
  };
  const deviceAt = (id: string, epoch: number): DirectoryDevice | undefined => {
    const record = devices.get(id);
    if (!record || !inForce(record.version.from, record.revokedAt, epoch)) return undefined;
    const device = record.version.cert;
    const user = userAt(device.user, epoch);
    const org = orgAt(device.org, epoch);
    return user && org ? { device, user, org } : undefined;
  };
  // The devices valid at an epoch, listed once: every cable checked against this directory
  // lists them for policy (hundreds per cable), and the replayed records never change.
  const devicesAt = new Map<number, readonly DirectoryDevice[]>();
  // Epochs outside 0..now are clamped into it; anything but an integer is refused.
  const clamp = (epoch: number | undefined): number => {
    const e = requireEpoch(epoch);
    return e === undefined ? now : Math.max(0, Math.min(e, now));
  };

  return Object.freeze({
    kind: 'Directory' as const,
    root,
    epoch: now,
    entries,
    rejected,
    device: (id: string, epoch?: number) => deviceAt(requireId(id), clamp(epoch)),
    deviceProblem(id: string, epoch?: number) {
      const key = requireId(id);
      const e = clamp(epoch);
      if (rejectedDevices.has(key) && !devices.has(key)) return 'REJECTED' as const;
      const record = devices.get(key);
      if (!record || record.version.from >= e) return 'UNKNOWN' as const;
      return deviceAt(key, e) ? undefined : ('REVOKED' as const);
    },
    user: (id: string, epoch?: number) => userAt(requireId(id), clamp(epoch)),
    org: (id: string, epoch?: number) => orgAt(requireId(id), clamp(epoch)),
    devices(epoch?: number) {
      const e = clamp(epoch);
      let list = devicesAt.get(e);
      if (list === undefined) {
        const out: DirectoryDevice[] = [];
        for (const id of devices.keys()) {
          const d = deviceAt(id, e);
          if (d) out.push(Object.freeze(d));
        }
        if (devicesAt.size >= DEVICE_LISTS_KEPT) devicesAt.clear();
        list = Object.freeze(out);
        devicesAt.set(e, list);
      }
      return [...list];
    },
  });
}
