/**
 * The network authority names the Presidency (docs/design.md §2): an act signed with the
 * network root key, carried to a server that names the same root. The server checks the
 * signature, logs the act and serves it to every client with GET /network.
 */

import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import { signPresidency } from '../core/procedure/presidency.ts';
import { ApiClient, type Fetch } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import type { KeyStore } from './key-store.ts';

export interface NamePresidencyRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly server?: string;
  readonly org: string;
  readonly from: number;
  readonly until: number;
}

export async function namePresidency(
  request: NamePresidencyRequest,
): Promise<{ org: string; from: number; until: number; issuedAt: number }> {
  const { store } = request;
  const rootKey = await store.loadRootKey();
  if (!rootKey) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `profile ${store.name} holds no network root key; run this on the network authority's machine`,
    );
  }
  if (request.until <= request.from) {
    throw new ClientError('INVALID_ARGUMENT', 'the term must end after it starts (--until after --from)');
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
      `${api.server} is configured with another network root than ${rootKey.root.network}'s`,
    );
  }
  const act = await signPresidency(
    {
      v: 1,
      kind: 'presidency',
      network: rootKey.root.network,
      org: request.org,
      from: request.from,
      until: request.until,
      issuedAt: request.clock.nowSeconds(),
    },
    rootKey.signer,
  );
  return api.call(ROUTES.presidency, { body: { act: toJsonValue(act) } });
}
