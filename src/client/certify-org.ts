/**
 * The network authority certifies an organisation (docs/design.md §2, §5) from the
 * organisation's signing request: the key in it was made on the organisation's own machine,
 * and the authority signs only its public half, with the name and accreditation it decides,
 * in an `org` certificate signed with the root key and posted. The authority never holds an
 * organisation's private key. Checks, in order:
 * - the request's proof of possession verifies (the requester holds the key it names);
 * - the server names the same root as this profile, before anything is posted to it.
 * Run again with the same request, it certifies the same key anew (a new name or accreditation).
 */

import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import type { OrgCertificate, SignedEntry } from '../core/identity/certificate.ts';
import type { Classification } from '../core/identity/classification.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import {
  type OrgKeyRequest,
  parseOrgKeyRequest,
  verifyOrgKeyRequest,
} from '../core/identity/org-key-request.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import type { KeyStore } from './key-store.ts';
import type { PostedEntry } from './post-entry.ts';
import { postEntry } from './post-entry.ts';

export interface CertifyOrgRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** The server; defaults to the profile's. */
  readonly server?: string;
  /** The organisation's signing request, as its officer handed it (one line of text). */
  readonly request: string;
  readonly name: string;
  readonly accreditation: Classification;
}

export interface CertifiedOrg {
  readonly entry: SignedEntry<OrgCertificate>;
  readonly posted: PostedEntry;
}

/** The request in `text`, checked: ORG_REQUEST_INVALID unless well formed and self-signed. */
export async function checkedOrgKeyRequest(text: string): Promise<OrgKeyRequest> {
  let request: OrgKeyRequest;
  try {
    request = parseOrgKeyRequest(text);
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'ORG_REQUEST_INVALID',
      `not an organisation signing request (${cause.message}); ask the officer for the line valise org request printed`,
      { cause },
    );
  }
  if (!(await verifyOrgKeyRequest(request))) {
    throw new ClientError(
      'ORG_REQUEST_INVALID',
      `the signing request of ${request.body.org} is not signed by the key it names; ask its officer for a new one`,
    );
  }
  return request;
}

export async function certifyOrg(request: CertifyOrgRequest): Promise<CertifiedOrg> {
  const { store } = request;
  const signing = await checkedOrgKeyRequest(request.request);
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
  const entry = await issueCertificate<OrgCertificate>(
    {
      v: 1,
      kind: 'org',
      network: rootKey.root.network,
      org: signing.body.org,
      name: request.name,
      accreditation: request.accreditation,
      key: signing.body.key,
      issuedAt: request.clock.nowSeconds(),
    },
    rootKey.signer,
  );
  const posted = await postEntry(api, entry);
  if (profile.server !== api.server) await store.saveProfile({ ...profile, server: api.server });
  return { entry, posted };
}
