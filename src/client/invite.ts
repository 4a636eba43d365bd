/**
 * A security officer invites a person (docs/design.md §5): the user's certificate is issued with
 * the organisation key when the directory does not already hold it as asked, then a
 * one-time, expiring invitation is registered with only the SHA-256 of the redeem half of a
 * fresh 32-byte secret. The code returned is the only place the secret exists; this device
 * keeps the binding half in its book of invitations, to check the invitee's keys at approval.
 * From a command-line device the certificate and the invitation are held until a second
 * officer confirms them; the code is returned all the same, and works once they are.
 */

import { ROUTES } from '../core/api/routes.ts';
import type { Signer } from '../core/crypto/ed25519.ts';
import { sha256 } from '../core/crypto/sha256.ts';
import { randomBytes, toBase64url } from '../core/encoding/bytes.ts';
import type { Role } from '../core/encoding/identifiers.ts';
import { randomId } from '../core/encoding/identifiers.ts';
import type { UserCertificate } from '../core/identity/certificate.ts';
import type { Classification } from '../core/identity/classification.ts';
import { invitationKeys } from '../core/identity/enrolment-binding.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import { ClientError } from './client-error.ts';
import { type HeldRef, heldOr } from './held-act.ts';
import type { InvitationBook } from './invitation-book.ts';
import { formatInvitationCode, INVITATION_SECRET_BYTES } from './invitation-code.ts';
import type { DeviceSession } from './open-session.ts';
import { requireOrgKey, userCertificateFor } from './org-key.ts';
import { postEntry } from './post-entry.ts';

export interface Invitee {
  readonly user: string;
  readonly name: string;
  readonly clearance: Classification;
  readonly role: Role;
  readonly groups: readonly string[];
}

export interface InviteRequest {
  readonly session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'clock'>;
  /** The organisation key of the officer's organisation. */
  readonly orgKey: Signer;
  readonly invitee: Invitee;
  /** Where this device keeps the binding key of each invitation it issues. */
  readonly invitations: InvitationBook;
  /** Seconds the invitation stays valid (default 24 h). */
  readonly validFor?: number;
}

export interface Invitation {
  readonly code: string;
  readonly invitation: string;
  readonly expiresAt: number;
  readonly user: UserCertificate;
  /** True when a user certificate was issued now (new user, or changed attributes). */
  readonly issued: boolean;
  /**
   * The acts the server holds until a second security officer confirms them (a command-line
   * officer's, docs/design.md §5): the user certificate, the invitation, or both. The code
   * works once they are confirmed.
   */
  readonly held: readonly HeldRef[];
}

export const DEFAULT_INVITATION_LIFETIME = 24 * 3600;

export async function invite(request: InviteRequest): Promise<Invitation> {
  const { api, device, directory, clock } = request.session;
  const org = device.org;
  requireOrgKey(directory, org, request.orgKey);
  const now = clock.nowSeconds();
  const wanted = userCertificateFor(org, request.invitee, now);
  const existing = directory.user(wanted.user);
  if (existing && existing.org !== org) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      `user ${wanted.user} belongs to ${existing.org}; user ids are unique in the network, choose another`,
    );
  }
  const same =
    existing &&
    existing.name === wanted.name &&
    existing.clearance === wanted.clearance &&
    existing.role === wanted.role &&
    existing.groups.join(',') === wanted.groups.join(',');
  const held: HeldRef[] = [];
  if (!same) {
    const certified = await heldOr(async () =>
      postEntry(api, await issueCertificate(wanted, request.orgKey)),
    );
    if ('held' in certified) held.push(certified.held);
  }

  const validFor = request.validFor ?? DEFAULT_INVITATION_LIFETIME;
  if (!Number.isSafeInteger(validFor) || validFor < 60 || validFor > 30 * 24 * 3600) {
    throw new ClientError('INVALID_ARGUMENT', 'an invitation must be valid between one minute and 30 days');
  }
  const id = randomId();
  const secret = randomBytes(INVITATION_SECRET_BYTES);
  const keys = invitationKeys(secret);
  // Kept before the server hears of the invitation, so no enrolment can outrun its check.
  await request.invitations.keep({
    invitation: id,
    org,
    user: wanted.user,
    bindingKey: keys.binding,
    expiresAt: now + validFor,
  });
  const created = await heldOr(() =>
    api.call(ROUTES.invite, {
      body: {
        id,
        org,
        user: wanted.user,
        secretHash: toBase64url(sha256(keys.redeem)),
        expiresAt: now + validFor,
      },
    }),
  );
  if ('held' in created) held.push(created.held);
  else if (created.done.id !== id)
    throw new ClientError('BAD_RESPONSE', 'the server registered the invitation under another id');
  return {
    code: formatInvitationCode({ invitation: id, secret }),
    invitation: id,
    expiresAt: 'held' in created ? now + validFor : created.done.expiresAt,
    user: same ? existing : wanted,
    issued: !same,
    held,
  };
}
