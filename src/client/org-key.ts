/**
 * What every act of a security officer with the organisation key checks first: the key in
 * hand is the one the verified directory certifies for the organisation (a wrong or stale
 * key file would only produce entries the directory rejects), and the certificates it signs
 * are built in canonical form (groups sorted, unique).
 */

import type { Signer } from '../core/crypto/ed25519.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { Role } from '../core/encoding/identifiers.ts';
import type { UserCertificate } from '../core/identity/certificate.ts';
import type { Classification } from '../core/identity/classification.ts';
import type { Directory } from '../core/identity/directory.ts';
import { ClientError } from './client-error.ts';

export function requireOrgKey(directory: Directory, org: string, orgKey: Signer): void {
  const cert = directory.org(org);
  if (!cert) throw new ClientError('NOT_FOUND', `organisation ${org} is not in the directory`);
  if (!constantTimeEqual(cert.key, orgKey.publicKey)) {
    throw new ClientError(
      'KEY_FILE_INVALID',
      `the organisation key in this profile is not ${org}'s certified key; use the key file valise org request made`,
    );
  }
}

export interface UserAttributes {
  readonly user: string;
  readonly name: string;
  readonly clearance: Classification;
  readonly role: Role;
  readonly groups: readonly string[];
}

export function userCertificateFor(
  org: string,
  attributes: UserAttributes,
  issuedAt: number,
): UserCertificate {
  const groups = [...new Set(attributes.groups)].sort();
  return {
    v: 1,
    kind: 'user',
    org,
    user: attributes.user,
    name: attributes.name,
    clearance: attributes.clearance,
    role: attributes.role,
    groups,
    issuedAt,
  };
}
