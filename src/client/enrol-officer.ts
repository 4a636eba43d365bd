/**
 * Bootstraps an organisation's first security officer (docs/api.md, POST /directory): the
 * holder of the organisation key certifies a user and this device directly, with no
 * invitation and no approval, since the organisation key is the authority both would need.
 * The shared first steps come first (`prepareDevice`: keys made and stored here). The
 * organisation key is not copied into the profile (docs/design.md §5): the profile only names
 * the file it stays in (`orgKeyFile`), which is opened, with its own passphrase, for each
 * officer act. After posting, the session is opened, which checks that the directory now
 * certifies this device with exactly its keys, under the pinned root.
 */
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { certifyDevice } from './certify-device.ts';
import type { Clock } from './clock.ts';
import type { ExportableSigner, KeyStore } from './key-store.ts';
import type { DeviceSession } from './open-session.ts';
import { openSession } from './open-session.ts';
import type { UserAttributes } from './org-key.ts';
import { requireOrgKey, userCertificateFor } from './org-key.ts';
import { postEntry } from './post-entry.ts';
import { prepareDevice } from './prepare-device.ts';

export interface EnrolOfficerRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly server: string;
  readonly org: string;
  readonly orgKey: ExportableSigner;
  /** Where the organisation key file is, recorded in the profile (CLI). */
  readonly orgKeyFile?: string;
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
  const api = new ApiClient({ server: request.server, fetch: request.fetch, clock });
  const { keys, trust } = await prepareDevice({
    store,
    api,
    ...(request.root ? { root: request.root } : {}),
    label: request.label,
    storage: 'key-file',
    elsewhere: 'use another --profile',
  });
  if (request.orgKeyFile !== undefined) {
    await store.saveProfile({ ...(await store.loadProfile()), orgKeyFile: request.orgKeyFile });
  }
  const now = clock.nowSeconds();
  await postEntry(api, await issueCertificate(userCertificateFor(org, request.officer, now), request.orgKey));
  await certifyDevice(
    api,
    {
      org,
      user: request.officer.user,
      device: keys.device,
      label: keys.label,
      signingKey: keys.signer.publicKey,
      kemKey: keys.kemPublicKey,
    },
    request.orgKey,
    now,
    request.validityDays,
  );
  const session = await openSession({ store, fetch: request.fetch, clock });
  requireOrgKey(session.directory, org, request.orgKey);
  return { session, trust };
}
