/**
 * A security officer approves a pending enrolment (docs/design.md §5): the device certificate is
 * made from the keys the device registered, for the user the invitation named, checked
 * against the verified directory, and signed with the organisation key. Posting it
 * completes the enrolment.
 */

import type { PendingEnrolment } from '../core/api/directory-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { Signer } from '../core/crypto/ed25519.ts';
import type { DeviceCertificate, SignedEntry } from '../core/identity/certificate.ts';
import { certifyDevice } from './certify-device.ts';
import { ClientError } from './client-error.ts';
import type { DeviceSession } from './open-session.ts';
import { requireOrgKey } from './org-key.ts';

export async function listPending(session: Pick<DeviceSession, 'api'>): Promise<readonly PendingEnrolment[]> {
  const answer = await session.api.call(ROUTES.enrolments, { query: { status: 'pending' } });
  return answer.items;
}

export interface ApproveRequest {
  readonly session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'clock'>;
  readonly orgKey: Signer;
  readonly device: string;
  readonly validityDays?: number;
}

export async function approve(request: ApproveRequest): Promise<SignedEntry<DeviceCertificate>> {
  const { api, device: officer, directory, clock } = request.session;
  requireOrgKey(directory, officer.org, request.orgKey);
  const pending = (await listPending(request.session)).find((p) => p.device === request.device);
  if (!pending) {
    throw new ClientError(
      'NOT_FOUND',
      `no pending enrolment for device ${request.device}; run valise approve to list them`,
    );
  }
  // The server lists only the officer's org; check anyway, the directory would refuse it.
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
