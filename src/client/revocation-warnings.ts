/**
 * Warnings on an opened cable about revocations (docs/design.md §6). A cable verified at its
 * epoch stays readable after a revocation: revoking stops what a device does next, not what
 * it did. But a revocation already made when the cable was sent, which the cable's epoch did
 * not include yet, means the sender worked from a stale directory (or a server accepted an
 * old epoch): the sending device may have been in a thief's hands, or a revoked device holds
 * a wrap. The reader is told, with a typed code, and decides.
 *
 * "Before the cable was sent": the revocation's entry comes after the cable's epoch and its
 * signed `issuedAt` is not after the cable's signed `sentAt` (which the server holds within
 * minutes of its clock at acceptance).
 */
import type { OpenedCable } from '../core/cable/open-cable.ts';
import type { Directory } from '../core/identity/directory.ts';

export const REVOCATION_WARNING_CODES = ['SENDER_REVOKED_BEFORE', 'RECIPIENT_REVOKED_BEFORE'] as const;
export type RevocationWarningCode = (typeof REVOCATION_WARNING_CODES)[number];

export interface RevocationWarning {
  readonly code: RevocationWarningCode;
  /** The device revoked. */
  readonly device: string;
  readonly message: string;
}

export function revocationWarnings(cable: OpenedCable, directory: Directory): RevocationWarning[] {
  const { header } = cable;
  const sender = header.sender.device;
  const watched = new Set([sender, ...header.recipients]);
  const warnings: RevocationWarning[] = [];
  const seen = new Set<string>();
  for (const entry of directory.entries.slice(header.epoch)) {
    const body = entry.body;
    if (body.kind !== 'revocation' || body.issuedAt > header.sentAt) continue;
    // The devices the revocation takes away: one device, a person's, or an organisation's.
    const revoked = [...watched].filter((device) => {
      const at = directory.device(device, header.epoch);
      if (!at) return false;
      if (body.subject === 'device') return device === body.id;
      if (body.subject === 'user') return at.user.user === body.id;
      return at.org.org === body.id;
    });
    for (const device of revoked) {
      if (seen.has(device)) continue;
      seen.add(device);
      const label = directory.device(device, header.epoch)?.device.label ?? device;
      warnings.push(
        device === sender
          ? {
              code: 'SENDER_REVOKED_BEFORE',
              device,
              message: `the sending device “${label}” (${device}) was revoked before this cable was sent; confirm it with the sender by another channel`,
            }
          : {
              code: 'RECIPIENT_REVOKED_BEFORE',
              device,
              message: `device “${label}” (${device}) was revoked before this cable was sent, yet holds a key to it; tell your security officer`,
            },
      );
    }
  }
  return warnings;
}
