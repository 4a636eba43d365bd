/**
 * A security officer approves a pending enrolment (docs/design.md §5): the device certificate is
 * made from the keys the device registered, for the user the invitation named, checked
 * against the verified directory, and signed with the organisation key. Posting it
 * completes the enrolment.
 *
 * The server is not trusted with the keys it relays. Before signing, in order:
 * 1. the organisation key in hand is the one the directory certifies;
 * 2. the enrolment is of this organisation, for a user of it, and the device id is new;
 * 3. the invitation's binding key is at hand (this device's book of the invitations it
 *    issued, or the code the officer handed over), and for the user it was issued to;
 * 4. the device's MAC over its keys verifies under that key (constant time): a server that
 *    swapped the keys cannot make it;
 * 5. the comparison code the invitee's device shows, as the officer read it, is the one of
 *    these keys: someone who intercepted the code and enrolled first is caught here.
 */

import type { PendingEnrolment } from '../core/api/directory-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { Signer } from '../core/crypto/ed25519.ts';
import type { DeviceCertificate, SignedEntry } from '../core/identity/certificate.ts';
import {
  comparisonCode,
  invitationKeys,
  normaliseComparisonCode,
  verifyEnrolmentBinding,
} from '../core/identity/enrolment-binding.ts';
import { certifyDevice } from './certify-device.ts';
import { ClientError } from './client-error.ts';
import type { InvitationBook } from './invitation-book.ts';
import { parseInvitationCode } from './invitation-code.ts';
import type { DeviceSession } from './open-session.ts';
import { requireOrgKey } from './org-key.ts';

export async function listPending(session: Pick<DeviceSession, 'api'>): Promise<readonly PendingEnrolment[]> {
  const answer = await session.api.call(ROUTES.enrolments, { query: { status: 'pending' } });
  return answer.items;
}

/** The code the pending device shows its user, for the officer to compare before approving. */
export function pendingComparisonCode(pending: Pick<PendingEnrolment, 'signingKey' | 'kemKey'>): string {
  return comparisonCode(pending.signingKey, pending.kemKey);
}

export interface ApproveRequest {
  readonly session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'clock'>;
  readonly orgKey: Signer;
  readonly device: string;
  /** The invitations this device issued, with their binding keys. */
  readonly invitations: InvitationBook;
  /** The invitation code handed to the invitee, when this device did not issue it. */
  readonly invitationCode?: string;
  /** The comparison code the invitee's device shows, as the officer read it. */
  readonly comparisonCode?: string;
  readonly validityDays?: number;
}

export async function approve(request: ApproveRequest): Promise<SignedEntry<DeviceCertificate>> {
  const { api, device: officer, directory, clock } = request.session;
  // 1.
  requireOrgKey(directory, officer.org, request.orgKey);
  const pending = (await listPending(request.session)).find((p) => p.device === request.device);
  if (!pending) {
    throw new ClientError(
      'NOT_FOUND',
      `no pending enrolment for device ${request.device}; run valise approve to list them`,
    );
  }
  // 2. The server lists only the officer's org; check anyway, the directory would refuse it.
  if (pending.org !== officer.org) {
    throw new ClientError(
      'FORBIDDEN',
      `device ${pending.device} asks to join ${pending.org}, not ${officer.org}`,
    );
  }
  const user = directory.user(pending.user);
  if (!user || user.org !== officer.org) {
    throw new ClientError(
      'NOT_FOUND',
      `user ${pending.user} is not a member of ${officer.org} in the directory; invite them first`,
    );
  }
  if (directory.device(pending.device) || directory.deviceProblem(pending.device) !== 'UNKNOWN') {
    throw new ClientError('ALREADY_EXISTS', `device ${pending.device} is already in the directory`);
  }
  // 3.
  if (pending.binding === undefined || pending.invitation === undefined) {
    throw new ClientError(
      'ENROLMENT_UNBOUND',
      `device ${pending.device} enrolled without binding its keys to its invitation; invite ${pending.user} again`,
    );
  }
  const bindingKey = await bindingKeyOf(request, pending.invitation, pending);
  // 4.
  const bound = verifyEnrolmentBinding(
    bindingKey,
    {
      invitation: pending.invitation,
      device: pending.device,
      label: pending.label,
      signingKey: pending.signingKey,
      kemKey: pending.kemKey,
    },
    pending.binding,
  );
  if (!bound) {
    throw new ClientError(
      'ENROLMENT_TAMPERED',
      `the keys the server holds for device ${pending.device} are not the ones the invitee's device made; do not approve it, and report the server`,
    );
  }
  // 5.
  const expected = pendingComparisonCode(pending);
  if (request.comparisonCode === undefined) {
    throw new ClientError(
      'COMPARISON_REQUIRED',
      `ask ${pending.user} to read the code their device shows; approve only if it is ${expected} (--code)`,
      { detail: { comparisonCode: expected } },
    );
  }
  if (normaliseComparisonCode(request.comparisonCode) !== normaliseComparisonCode(expected)) {
    throw new ClientError(
      'COMPARISON_MISMATCH',
      `the code read from ${pending.user}'s device is not the one of the keys pending for ${pending.device}; do not approve it`,
    );
  }
  return certifyDevice(
    api,
    {
      org: officer.org,
      user: pending.user,
      device: pending.device,
      label: pending.label,
      signingKey: pending.signingKey,
      kemKey: pending.kemKey,
    },
    request.orgKey,
    clock.nowSeconds(),
    request.validityDays,
  );
}

async function bindingKeyOf(
  request: ApproveRequest,
  invitation: string,
  pending: PendingEnrolment,
): Promise<Uint8Array> {
  if (request.invitationCode !== undefined) {
    const code = parseInvitationCode(request.invitationCode);
    if (code.invitation !== invitation) {
      throw new ClientError(
        'ENROLMENT_TAMPERED',
        `device ${pending.device} did not enrol with this code; check that you are approving the right person`,
      );
    }
    return invitationKeys(code.secret).binding;
  }
  const kept = await request.invitations.find(invitation);
  if (!kept) {
    throw new ClientError(
      'ENROLMENT_UNBOUND',
      `this device did not issue the invitation device ${pending.device} used; approve it with the enrolment code you handed to ${pending.user}`,
    );
  }
  if (kept.org !== pending.org || kept.user !== pending.user) {
    throw new ClientError(
      'ENROLMENT_TAMPERED',
      `the invitation device ${pending.device} used was issued to ${kept.user}, not ${pending.user}; do not approve it`,
    );
  }
  return kept.bindingKey;
}
