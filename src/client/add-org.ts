/**
 * The network authority adds an organisation (docs/design.md §2, §5): a fresh organisation key,
 * saved to its own 0600 file for the organisation's security officers, and the
 * organisation certificate (name, key, accreditation) signed with the root key and posted.
 * The server must name the same root before anything is posted to it. Run again for an
 * organisation this profile added, it certifies the same key anew (new name or accreditation).
 */

import { ROUTES } from '../core/api/routes.ts';
import { generateSigner } from '../core/crypto/ed25519.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { OrgCertificate, SignedEntry } from '../core/identity/certificate.ts';
import type { Classification } from '../core/identity/classification.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import type { KeyStore } from './key-store.ts';
import type { PostedEntry } from './post-entry.ts';
import { postEntry } from './post-entry.ts';

export interface AddOrgRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** The server; defaults to the profile's. */
  readonly server?: string;
  readonly org: string;
  readonly name: string;
  readonly accreditation: Classification;
}

export interface AddedOrg {
  readonly entry: SignedEntry<OrgCertificate>;
  readonly posted: PostedEntry;
}

export async function addOrg(request: AddOrgRequest): Promise<AddedOrg> {
  const { store } = request;
  const rootKey = await store.loadRootKey();
  if (!rootKey) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `profile ${store.name} holds no network root key; run valise network init first (on the authority's machine)`,
    );
  }
  const profile = await store.loadProfile();
  const server = request.server ?? profile.server;
  if (!server)
    throw new ClientError('NOT_CONFIGURED', 'no server known for this profile; pass --server <url>');
  const api = new ApiClient({ server, fetch: request.fetch, clock: request.clock });
  const info = await api.call(ROUTES.network);
  if (info.network !== rootKey.root.network || !constantTimeEqual(info.rootKey, rootKey.root.key)) {
    throw new ClientError(
      'ROOT_MISMATCH',
      `${api.server} is configured with another network root than ${rootKey.root.network}'s; configure the server with this root key`,
    );
  }
  // A key kept from an earlier attempt is reused: the certificate is then a new version of
  // the same organisation (same key), which is also how its name or accreditation change.
  const kept = await store.loadOrgKey(request.org);
  const orgKey = kept ?? (await generateSigner(true));
  const entry = await issueCertificate<OrgCertificate>(
    {
      v: 1,
      kind: 'org',
      network: rootKey.root.network,
      org: request.org,
      name: request.name,
      accreditation: request.accreditation,
      key: orgKey.publicKey,
      issuedAt: request.clock.nowSeconds(),
    },
    rootKey.signer,
  );
  // Keep the key before the certificate exists, so a certified key is never lost.
  if (!kept) await store.saveOrgKey(request.org, orgKey);
  const posted = await postEntry(api, entry);
  if (profile.server !== api.server) await store.saveProfile({ ...profile, server: api.server });
  return { entry, posted };
}
