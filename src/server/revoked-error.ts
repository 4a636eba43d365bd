/**
 * What a revoked device is told (docs/design.md §5), only once its request verified under its
 * own key (authenticate.ts): that it was revoked, when, by whom and why, as the revocation
 * in the verified directory says, and whom to contact. The revocation may be of the device,
 * of its user or of its whole organisation; the newest one in force is named.
 */
import type { DeviceCertificate, Revocation } from '../core/identity/certificate.ts';
import type { Directory } from '../core/identity/directory.ts';
import { ServerError } from './server-error.ts';

export function revokedError(directory: Directory, device: DeviceCertificate): ServerError {
  const revocation = directory.entries
    .map((entry) => entry.body)
    .filter((body): body is Revocation => body.kind === 'revocation' && revokes(body, device))
    .at(-1);
  if (!revocation) {
    return new ServerError(
      'DEVICE_REVOKED',
      `this device, its user or its organisation has been revoked; contact a security officer of ${device.org}`,
    );
  }
  const when = new Date(revocation.issuedAt * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const what =
    revocation.subject === 'device'
      ? 'this device was revoked'
      : revocation.subject === 'user'
        ? `your user ${revocation.id}, and so this device, was revoked`
        : `your organisation ${revocation.id}, and so this device, was revoked`;
  // Organisations are revoked under the network root; users and devices under their org's key.
  const by =
    revocation.subject === 'org' ? 'the network authority' : `a security officer of ${revocation.org}`;
  const why = revocation.reason.trim() === '' ? '' : ` (reason given: ${revocation.reason.trim()})`;
  return new ServerError(
    'DEVICE_REVOKED',
    `${what} on ${when}Z by ${by}${why}; nothing can be read or sent from it: contact a security officer of ${device.org}`,
  );
}

function revokes(revocation: Revocation, device: DeviceCertificate): boolean {
  switch (revocation.subject) {
    case 'device':
      return revocation.id === device.device;
    case 'user':
      return revocation.id === device.user;
    case 'org':
      return revocation.id === device.org;
  }
}
