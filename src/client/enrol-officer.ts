/**
 * Bootstraps an organisation's first security officer (docs/api.md, POST /directory): the
 * holder of the organisation key certifies a user and this device directly, with no
 * invitation and no approval, since the organisation key is the authority both would need.
 * The device's keys and a copy of the organisation key are stored in the profile first;
 * then the session is opened, which checks that the directory now certifies this device
 * with exactly its keys, under the pinned root.
 */
import { randomBytes } from '../core/encoding/bytes.ts';
import type { DeviceCertificate } from '../core/identity/certificate.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { DEFAULT_DEVICE_VALIDITY_DAYS } from './approve.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import type { ExportableSigner, KeyStore } from './key-store.ts';
import { makeDeviceKeys } from './make-device-keys.ts';
import type { DeviceSession } from './open-session.ts';
import { openSession } from './open-session.ts';
import type { UserAttributes } from './org-key.ts';
import { requireOrgKey, userCertificateFor } from './org-key.ts';
import { pinNetwork } from './pin-network.ts';
import { postEntry } from './post-entry.ts';

export interface EnrolOfficerRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly server: string;
  readonly org: string;
  readonly orgKey: ExportableSigner;
  readonly officer: UserAttributes;
  readonly label: string;
  readonly root?: Uint8Array;
  readonly validityDays?: number;
}

export interface EnrolledOfficer {
  readonly session: DeviceSession;
  readonly trust: 'given' | 'first-use';
}

export async function enrolOfficer(request: EnrolOfficerRequest): Promise<EnrolledOfficer> {
  const { store, clock, org } = request;
  const profile = await store.loadProfile();
  if (profile.device?.org) {
    throw new ClientError(
      'PROFILE_IN_USE',
      `profile ${store.name} already holds device ${profile.device.device} of ${profile.device.org}; use another --profile`,
    );
  }
  const api = new ApiClient({ server: request.server, fetch: request.fetch, clock });
  const pin = await pinNetwork(api, request.root, profile.network);
  const keys = await makeDeviceKeys(request.label);
  await store.saveOrgKey(org, request.orgKey);
  await store.saveProfile({
    ...profile,
    server: api.server,
    network: pin.network,
    device: keys,
    archiveKey: profile.archiveKey ?? randomBytes(32),
  });
  const now = clock.nowSeconds();
  await postEntry(api, await issueCertificate(userCertificateFor(org, request.officer, now), request.orgKey));
  const days = request.validityDays ?? DEFAULT_DEVICE_VALIDITY_DAYS;
  const device = await issueCertificate<DeviceCertificate>(
    {
      v: 1,
      kind: 'device',
      org,
      user: request.officer.user,
      device: keys.device,
      label: keys.label,
      signingKey: keys.signer.publicKey,
      kemKey: keys.kemPublicKey,
      issuedAt: now,
      expiresAt: now + days * 24 * 3600,
    },
    request.orgKey,
  );
  await postEntry(api, device);
  const session = await openSession({ store, fetch: request.fetch, clock });
  requireOrgKey(session.directory, org, request.orgKey);
  return { session, trust: pin.trust };
}
