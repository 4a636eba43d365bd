/**
 * The device certificate an organisation signs and posts (docs/design.md §5), made in one
 * place for every way a device joins: an officer approving a pending enrolment, and an
 * organisation's first officer (CLI or browser) certifying their own device. It certifies
 * exactly the keys the device made, for the user named, valid from now for a bounded number
 * of days; the server replays it with the directory rules, which completes a pending
 * enrolment.
 */
import type { Signer } from '../core/crypto/ed25519.ts';
import type { DeviceCertificate, SignedEntry } from '../core/identity/certificate.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import { postEntry } from './post-entry.ts';

export const DEFAULT_DEVICE_VALIDITY_DAYS = 365;
const MAX_DEVICE_VALIDITY_DAYS = 5 * 365;

/** What the certificate names: the organisation, the person, and the device with its keys. */
export type CertifiedDevice = Pick<
  DeviceCertificate,
  'org' | 'user' | 'device' | 'label' | 'signingKey' | 'kemKey'
>;

export async function certifyDevice(
  api: ApiClient,
  subject: CertifiedDevice,
  orgKey: Signer,
  now: number,
  validityDays: number = DEFAULT_DEVICE_VALIDITY_DAYS,
): Promise<SignedEntry<DeviceCertificate>> {
  const entry = await issueCertificate(certificateFor(subject, now, validityDays), orgKey);
  await postEntry(api, entry);
  return entry;
}

function certificateFor(subject: CertifiedDevice, now: number, validityDays: number): DeviceCertificate {
  if (!Number.isSafeInteger(validityDays) || validityDays < 1 || validityDays > MAX_DEVICE_VALIDITY_DAYS) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      `a device certificate must be valid 1 to ${MAX_DEVICE_VALIDITY_DAYS} days`,
    );
  }
  return {
    v: 1,
    kind: 'device',
    org: subject.org,
    user: subject.user,
    device: subject.device,
    label: subject.label,
    signingKey: subject.signingKey,
    kemKey: subject.kemKey,
    issuedAt: now,
    expiresAt: now + validityDays * 24 * 3600,
  };
}
