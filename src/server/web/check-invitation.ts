/**
 * The invitation checks of an enrolment (as routes/enrolments.ts makes them), shared by both
 * halves of the browser enrolment: the invitation exists; the secret matches (in constant
 * time, before anything about the invitation's state is told); not expired; not used; its
 * user is still in the directory.
 */

import { constantTimeEqual } from '../../core/bytes.ts';
import type { UserCertificate } from '../../core/certificate.ts';
import { sha256 } from '../../core/sha256.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { InvitationRecord } from '../store/store.ts';

export async function checkInvitation(
  ctx: ServerContext,
  id: string,
  secret: Uint8Array,
  now: number,
): Promise<{ invitation: InvitationRecord; user: UserCertificate }> {
  const invitation = await ctx.store.invitation(id);
  if (!invitation) throw new ServerError('NOT_FOUND', 'no such invitation; check the enrolment link');
  if (!constantTimeEqual(sha256(secret), invitation.secretHash)) {
    throw new ServerError('FORBIDDEN', 'the invitation secret does not match; check the enrolment link');
  }
  if (now >= invitation.expiresAt) {
    throw new ServerError(
      'INVITATION_EXPIRED',
      `the invitation expired at ${new Date(invitation.expiresAt * 1000).toISOString()}; ask your security officer for a new one`,
    );
  }
  if (invitation.usedAt !== undefined) {
    throw new ServerError(
      'INVITATION_USED',
      'this invitation was already used; ask your security officer for a new one',
    );
  }
  const user = ctx.directory.directory.user(invitation.user);
  if (!user || user.org !== invitation.org) {
    throw new ServerError(
      'UNKNOWN_USER',
      `user ${invitation.user} is no longer in the directory; ask your security officer`,
    );
  }
  return { invitation, user };
}
