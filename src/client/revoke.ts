/**
 * Revokes a device or a user of the officer's organisation: a revocation signed with the
 * organisation key, posted to the directory. From the next epoch on the device (or every
 * device of the user) gets no key for new cables and the server refuses its requests.
 */

import type { Signer } from '../core/crypto/ed25519.ts';
import { RANDOM_ID_PATTERN } from '../core/encoding/identifiers.ts';
import type { Revocation, RevocationSubject, SignedEntry } from '../core/identity/certificate.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import { ClientError } from './client-error.ts';
import type { DeviceSession } from './open-session.ts';
import { requireOrgKey } from './org-key.ts';
import { postEntry } from './post-entry.ts';

export interface RevokeRequest {
  readonly session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'clock'>;
  readonly orgKey: Signer;
  /** A device id or a user id of the officer's organisation. */
  readonly target: string;
  readonly reason: string;
}

export async function revoke(request: RevokeRequest): Promise<SignedEntry<Revocation>> {
  const { api, device: officer, directory, clock } = request.session;
  requireOrgKey(directory, officer.org, request.orgKey);
  const { target } = request;
  let subject: RevocationSubject;
  const device = RANDOM_ID_PATTERN.test(target) ? directory.device(target) : undefined;
  const user = device ? undefined : directory.user(target);
  if (device) {
    if (device.org.org !== officer.org) {
      throw new ClientError(
        'FORBIDDEN',
        `device ${target} belongs to ${device.org.org}; only its own organisation can revoke it`,
      );
    }
    subject = 'device';
  } else if (user) {
    if (user.org !== officer.org) {
      throw new ClientError(
        'FORBIDDEN',
        `user ${target} belongs to ${user.org}; only their own organisation can revoke them`,
      );
    }
    subject = 'user';
  } else {
    throw new ClientError(
      'NOT_FOUND',
      `${target} is no active device or user in the directory; run valise devices to list them`,
    );
  }
  const reason = request.reason.trim() || 'revoked by the security officer';
  const entry = await issueCertificate<Revocation>(
    { v: 1, kind: 'revocation', org: officer.org, subject, id: target, reason, issuedAt: clock.nowSeconds() },
    request.orgKey,
  );
  await postEntry(api, entry);
  return entry;
}
