/**
 * Pins the audit log's key (docs/design.md §8) from GET /log: the origin must be the network's
 * (`valise.<network>/log`) and the verifier key must parse and be named after it. A key
 * already pinned is kept: a server presenting another one is refused, as for the root.
 * The witness quorum is pinned with it; a server can raise it later, never lower it.
 */

import { ROUTES } from '../core/api/routes.ts';
import { SIGNATURE_TYPES } from '../core/log/checkpoint/key-id.ts';
import { parseVerifierKey } from '../core/log/checkpoint/verifier-key.ts';
import { logOrigin } from '../core/log/log-names.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { PinnedLog } from './key-store.ts';

export async function fetchLogPin(
  api: ApiClient,
  network: string,
  pinned: PinnedLog | undefined,
): Promise<PinnedLog> {
  const info = await api.call(ROUTES.log);
  let valid = info.origin === logOrigin(network);
  try {
    const key = parseVerifierKey(info.key);
    valid &&= key.name === info.origin && key.type === SIGNATURE_TYPES.ed25519;
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new ClientError(
      'BAD_RESPONSE',
      `the server's audit log (${info.origin}) is not the log of network ${network}, or its key is malformed`,
    );
  }
  if (pinned && (pinned.origin !== info.origin || pinned.key !== info.key)) {
    throw new ClientError(
      'LOG_UNSIGNED',
      `the server's audit log key is not the one pinned for ${pinned.origin}; stop using this server and tell your security officer`,
    );
  }
  const quorum = Math.max(pinned?.quorum ?? 0, info.quorum ?? 0);
  return { origin: info.origin, key: info.key, quorum };
}
