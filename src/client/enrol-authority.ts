/**
 * The network authority's own device (docs/design.md §2, §5): the holder of the network root
 * certifies a `network-authority` user in one organisation (the authority's, e.g. the
 * Council secretariat) and this machine as its device, both under the root's signature (the
 * only issuer of that role), so the authority's profile can list devices and read and
 * verify the audit log network-wide like any device. No invitation and no approval: the
 * root key is the authority both would need. The organisation must be in the directory.
 */
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { certifyDevice } from './certify-device.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import type { KeyStore } from './key-store.ts';
import type { DeviceSession } from './open-session.ts';
import { openSession } from './open-session.ts';
import type { UserAttributes } from './org-key.ts';
import { userCertificateFor } from './org-key.ts';
import { postEntry } from './post-entry.ts';
import { prepareDevice } from './prepare-device.ts';

export interface EnrolAuthorityRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** The server; defaults to the profile's. */
  readonly server?: string;
  readonly org: string;
  readonly authority: Omit<UserAttributes, 'role' | 'groups'>;
  readonly label: string;
}

export async function enrolAuthority(request: EnrolAuthorityRequest): Promise<DeviceSession> {
  const { store, clock } = request;
  const rootKey = await store.loadRootKey();
  if (!rootKey) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `profile ${store.name} holds no network root key; run this in the network authority's profile (valise network init)`,
    );
  }
  const server = request.server ?? (await store.loadProfile()).server;
  if (!server)
    throw new ClientError('NOT_CONFIGURED', 'no server known for this profile; pass --server <url>');
  const api = new ApiClient({ server, fetch: request.fetch, clock });
  // The root this profile holds is the one pinned: never the server's word for it.
  const { keys } = await prepareDevice({
    store,
    api,
    root: rootKey.root.key,
    label: request.label,
    storage: 'key-file',
    elsewhere: 'the network authority has its device already',
  });
  const now = clock.nowSeconds();
  const attributes = { ...request.authority, role: 'network-authority' as const, groups: [] };
  await postEntry(
    api,
    await issueCertificate(userCertificateFor(request.org, attributes, now), rootKey.signer),
  );
  await certifyDevice(
    api,
    {
      org: request.org,
      user: attributes.user,
      device: keys.device,
      label: keys.label,
      signingKey: keys.signer.publicKey,
      kemKey: keys.kemPublicKey,
    },
    rootKey.signer,
    now,
  );
  return openSession({ store, fetch: request.fetch, clock });
}
