/**
 * First contact with a server (enrolment): fetch what it says about itself and pin the
 * network root. The root is the trust anchor for everything after, so it should come from
 * the security officer with the code (`expectedRoot`), not from the server; when it is not
 * given, the server's root is pinned on first use and the caller must show its fingerprint.
 * A profile that already pins a root keeps it: a server naming another one is refused.
 *
 * The audit log's key is pinned here too (docs/design.md §8), from GET /log: every later sync
 * accepts only checkpoints it signed. A profile that pins one keeps it; a server whose log
 * key changed is refused.
 */

import type { NetworkInfo } from '../core/api/directory-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { PinnedNetwork } from './key-store.ts';
import { fetchLogPin } from './log-pin.ts';

export interface PinResult {
  readonly network: PinnedNetwork;
  readonly info: NetworkInfo;
  /** 'given' when the root matched `expectedRoot` or an earlier pin; 'first-use' otherwise. */
  readonly trust: 'given' | 'first-use';
}

export async function pinNetwork(
  api: ApiClient,
  expectedRoot: Uint8Array | undefined,
  pinned: PinnedNetwork | undefined,
): Promise<PinResult> {
  const info = await api.call(ROUTES.network);
  const anchor = expectedRoot ?? pinned?.root.key;
  if (anchor && !constantTimeEqual(anchor, info.rootKey)) {
    throw new ClientError(
      'ROOT_MISMATCH',
      `${api.server} serves network ${info.network} under another root key than the one you gave; check the server address and the root key with your security officer`,
    );
  }
  if (pinned && pinned.root.network !== info.network) {
    throw new ClientError(
      'ROOT_MISMATCH',
      `this profile belongs to network ${pinned.root.network}, not ${info.network}; use another --profile`,
    );
  }
  const log = await fetchLogPin(api, info.network, pinned?.log);
  return {
    network: {
      root: { network: info.network, key: info.rootKey, accreditation: info.accreditation },
      serverKey: info.serverKey,
      log,
    },
    info,
    trust: anchor ? 'given' : 'first-use',
  };
}
