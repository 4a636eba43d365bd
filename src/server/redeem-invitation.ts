/**
 * Redeeming an invitation: the one path by which a new device asks to be enrolled, shared by
 * the CLI's POST /enrolments and the browser's passkey enrolment (POST /web/enrolments).
 *
 * `checkInvitation`: the invitation exists; the secret matches (in constant time, before
 * anything about the invitation's state is told); not expired; not used; its user is still
 * in the directory. `redeemInvitation`: the device id is new, and the pending enrolment and
 * its audit event are written in one transaction, which decides single use.
 */

import { sha256 } from '../core/crypto/sha256.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { UserCertificate } from '../core/identity/certificate.ts';
import { auditRecord } from './audit-event.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError } from './server-error.ts';
import type { AuditRecord, EnrolmentRecord, InvitationRecord, RedeemOutcome } from './store/store.ts';

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

/** The keys a new device made for itself, as it submits them with the invitation. */
export interface NewDevice {
  readonly device: string;
  readonly label: string;
  readonly signingKey: Uint8Array;
  readonly kemKey: Uint8Array;
  /** Its MAC over these keys, kept for the officer's device to check (docs/design.md §5). */
  readonly binding: Uint8Array;
}

/** Refuses a device id that the directory already certifies (cheap; run before costly checks). */
export function requireNewDeviceId(ctx: ServerContext, device: string): void {
  if (ctx.directory.deviceCertificate(device) !== undefined) throw deviceTaken(device);
}

/**
 * Writes the pending enrolment with its `enrolment.requested` event. Returns the store's
 * outcome; the caller throws `enrolmentRefusal(outcome, device)` for any but `redeemed`.
 */
export async function redeemInvitation(
  ctx: ServerContext,
  invitation: InvitationRecord,
  device: NewDevice,
  now: number,
): Promise<RedeemOutcome> {
  requireNewDeviceId(ctx, device.device);
  const { enrolment, audit } = pendingEnrolment(invitation, device, now);
  return ctx.store.redeemInvitation(enrolment, audit);
}

/**
 * The pending enrolment a redemption writes and its `enrolment.requested` event, for a
 * caller that writes them in a transaction of its own (the browser's, with its passkey).
 */
export function pendingEnrolment(
  invitation: InvitationRecord,
  device: NewDevice,
  now: number,
): { enrolment: EnrolmentRecord; audit: AuditRecord } {
  return {
    enrolment: {
      device: device.device,
      invitation: invitation.id,
      org: invitation.org,
      user: invitation.user,
      label: device.label,
      signingKey: device.signingKey,
      kemKey: device.kemKey,
      binding: device.binding,
      createdAt: now,
      status: 'pending',
    },
    audit: auditRecord({
      at: now,
      type: 'enrolment.requested',
      actor: { org: invitation.org, user: invitation.user },
      object: { kind: 'device', id: device.device, org: invitation.org },
      detail: { invitation: invitation.id },
    }),
  };
}

/** The error for an invitation that could not be redeemed. */
export function enrolmentRefusal(outcome: Exclude<RedeemOutcome, 'redeemed'>, device: string): ServerError {
  return outcome === 'used'
    ? new ServerError(
        'INVITATION_USED',
        'this invitation was already used; ask your security officer for a new one',
      )
    : deviceTaken(device);
}

function deviceTaken(device: string): ServerError {
  return new ServerError('ALREADY_EXISTS', `device id ${device} is taken; make a fresh random id`);
}
