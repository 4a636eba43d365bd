/**
 * Brings the local directory up to date and returns it verified (DESIGN §4, §5). The server
 * is not trusted with any of it:
 * - the root is the pinned one; a server that names another root is refused outright, and
 *   every entry is replayed with `openDirectory` against the pinned root;
 * - the server applies the same directory rules before it accepts an entry, so an honest
 *   directory has no rejected entry: one that does not verify means a lying server;
 * - the directory only grows: a server with fewer entries than already seen (rollback), or
 *   whose entries differ from those seen (changed history), is refused loudly.
 * A sync fetches from the last entry seen, overlapping it, so a changed tip is caught at no
 * cost; `full` fetches everything and compares the whole history. (The Merkle log of a later
 * issue replaces both with consistency proofs.)
 */

import { constantTimeEqual } from '../core/bytes.ts';
import { encodeCanonical } from '../core/canonical-json.ts';
import type { SignedEntry } from '../core/certificate.ts';
import type { Directory, NetworkRoot } from '../core/directory.ts';
import { openDirectory } from '../core/directory.ts';
import { toJsonValue } from '../core/to-json.ts';
import type { NetworkInfo } from './api-answers.ts';
import { decodeDirectoryPage, decodeNetworkInfo } from './api-answers.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { KeyStore } from './key-store.ts';

export interface SyncRequest {
  /** Signed as this device (GET /directory needs a device). */
  readonly api: ApiClient;
  readonly store: KeyStore;
  /** The pinned root; never one the server sends. */
  readonly root: NetworkRoot;
  /** Fetch the whole directory and compare every entry already seen. */
  readonly full?: boolean;
}

/** Largest number of pages one sync follows (a server that pages forever is refused). */
const MAX_PAGES = 10_000;

export async function syncDirectory(request: SyncRequest): Promise<Directory> {
  const { api, store, root } = request;
  const known = await store.loadDirectory();
  const info = await api.request({
    method: 'GET',
    path: '/api/v1/network',
    decode: decodeNetworkInfo,
    unsigned: true,
  });
  checkSameRoot(root, info);
  if (info.epoch < known.length) throw rollback(info.epoch, known.length);

  const overlap = request.full ? known.length : Math.min(1, known.length);
  const from = known.length - overlap;
  const fetched = await fetchFrom(api, from, known.length);

  // The entries we had must come back unchanged.
  for (let i = 0; i < overlap; i++) {
    if (!sameEntry(fetched[i], known[from + i]!)) {
      throw new ClientError(
        'DIRECTORY_FORKED',
        `the server's directory entry ${from + i} differs from the one this device saw before: the server rewrote history; stop using it and tell your security officer`,
      );
    }
  }
  const fresh = fetched.slice(overlap);
  const entries = fresh.length === 0 ? known : [...known, ...fresh];
  const directory = await openDirectory(root, entries);
  // DESIGN §4: every entry must verify against the pinned root; the server checked the same rules.
  for (const [index, reason] of directory.rejected) {
    throw new ClientError(
      'DIRECTORY_INVALID',
      `directory entry ${index} (${entries[index]!.body.kind}) does not verify against the pinned network root (${reason}); the server may be compromised, tell your security officer`,
    );
  }
  if (fresh.length > 0) await store.saveDirectory(entries);
  return directory;
}

/** GET /directory?from=N, following pages until the answered epoch is reached. */
async function fetchFrom(api: ApiClient, from: number, known: number): Promise<SignedEntry[]> {
  const out: SignedEntry[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const at = from + out.length;
    const answer = await api.get('/api/v1/directory', decodeDirectoryPage, { from: at });
    if (answer.epoch < known) throw rollback(answer.epoch, known);
    out.push(...answer.entries);
    if (from + out.length === answer.epoch) return out;
    if (from + out.length > answer.epoch || answer.entries.length === 0) {
      throw new ClientError(
        'BAD_RESPONSE',
        `the server answered ${answer.entries.length} directory entries from ${at} for an epoch of ${answer.epoch}; its directory is inconsistent`,
      );
    }
  }
  throw new ClientError('BAD_RESPONSE', `the server's directory did not end after ${MAX_PAGES} pages`);
}

function checkSameRoot(pinned: NetworkRoot, info: NetworkInfo): void {
  if (info.network !== pinned.network || !constantTimeEqual(info.rootKey, pinned.key)) {
    throw new ClientError(
      'ROOT_MISMATCH',
      `the server names network ${info.network} with another root key than the one pinned for ${pinned.network}; this is not your network's server, or it was tampered with: stop and tell your security officer`,
    );
  }
  if (info.accreditation !== pinned.accreditation) {
    throw new ClientError(
      'ROOT_MISMATCH',
      `the server says the network holds up to ${info.accreditation}, but ${pinned.accreditation} was pinned; tell your security officer`,
    );
  }
}

function rollback(epoch: number, known: number): ClientError {
  return new ClientError(
    'DIRECTORY_ROLLBACK',
    `the server's directory has ${epoch} entries but this device already saw ${known}: the server rolled back or is a different one; stop using it and tell your security officer`,
  );
}

function sameEntry(a: SignedEntry | undefined, b: SignedEntry): boolean {
  if (!a) return false;
  return constantTimeEqual(encodeCanonical(toJsonValue(a)), encodeCanonical(toJsonValue(b)));
}
