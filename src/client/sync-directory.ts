/**
 * Brings the local directory up to date and returns it verified (docs/design.md §4, §5, §8). The
 * server is not trusted with any of it:
 * - the root is the pinned one; a server that names another root is refused outright, and
 *   every entry is replayed with `openDirectory` against the pinned root;
 * - key transparency: the directory is the one committed in the audit log. The client
 *   takes the newest checkpoint signed by the pinned log key, checks that it extends the
 *   one it saw before (a rollback or a fork is refused), reads from it how many entries
 *   the directory has, and accepts each new entry only with the `directory.entry` event
 *   committing its exact bytes and that event's inclusion proof. A server that shows one
 *   device a directory that others do not see must fork the log to do it, which the
 *   consistency checks of every device and the witnesses catch;
 * - the directory only grows: fewer entries than already seen (rollback), or entries that
 *   differ from those seen (changed history), are refused loudly.
 * - the witness quorum (witness-quorum.ts): beside the newest directory, the sync returns
 *   the one a checkpoint cosigned by the quorum covers, and says whether newer entries wait
 *   for the witnesses; what to act on is the caller's (a sender wraps for no device the
 *   witnesses have not seen).
 * A sync fetches from the last entry seen, overlapping it; `full` fetches everything again.
 *
 * With the device's signed record of what it verified before (directory-cache.ts), the
 * entries it vouches for are replayed without checking their signatures again, and only the
 * new ones are verified; the record is then extended to them. A record that fails any of its
 * checks is ignored and every entry is verified, as without one.
 */

import type { DirectoryLeaf, NetworkInfo } from '../core/api/directory-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { Signer } from '../core/crypto/ed25519.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { SignedEntry } from '../core/identity/certificate.ts';
import type { Directory, NetworkRoot } from '../core/identity/directory.ts';
import { openDirectory, resumeDirectory } from '../core/identity/directory.ts';
import { directoryEpochOf } from '../core/log/directory-extension.ts';
import { commitsDirectoryEntry } from '../core/log/directory-leaf.ts';
import { parseLogEvent } from '../core/log/log-event.ts';
import { leafHash } from '../core/log/merkle/merkle-hash.ts';
import { verifyInclusion } from '../core/log/merkle/verify-inclusion.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { DirectoryCache, VerifiedDirectory } from './directory-cache.ts';
import { chainEntries, EMPTY_CHAIN, recallVerified, sealDirectoryCache } from './directory-cache.ts';
import { followLog, type LogView, proofHashes, rememberCheckpoint } from './follow-log.ts';
import type { KeyStore, PinnedLog } from './key-store.ts';
import { type WitnessState, witnessQuorum } from './witness-quorum.ts';

export interface SyncRequest {
  /** Signed as this device (GET /directory needs a device). */
  readonly api: ApiClient;
  readonly store: KeyStore;
  /** The pinned root; never one the server sends. */
  readonly root: NetworkRoot;
  /** The pinned audit log: every entry must be proven in it. */
  readonly log: PinnedLog;
  /** Fetch the whole directory and compare every entry already seen. */
  readonly full?: boolean;
  /** This device's record of what it verified, and its signing key, which vouches for it. */
  readonly cache?: { readonly file: DirectoryCache; readonly signer: Signer };
}

/** Largest number of pages one sync follows (a server that pages forever is refused). */
const MAX_PAGES = 10_000;

export interface SyncedDirectory {
  /** Every verified entry, up to the newest checkpoint. */
  readonly directory: Directory;
  /** The directory as far as the witness quorum cosigned it (docs/design.md §8). */
  readonly witnessed: Directory;
  readonly witness: WitnessState;
}

export async function syncDirectory(request: SyncRequest): Promise<Directory> {
  return (await syncWitnessedDirectory(request)).directory;
}

export async function syncWitnessedDirectory(request: SyncRequest): Promise<SyncedDirectory> {
  const { api, store, root } = request;
  const known = await store.loadDirectory();
  const { cache } = request;
  const recalled =
    cache && (await recallVerified(await cache.file.read(), cache.signer.publicKey, root, known));
  const info = await api.call(ROUTES.network);
  checkSameRoot(root, info);
  if (info.epoch < known.length) throw rollback(info.epoch, known.length);

  // docs/design.md §8: the directory as committed in a checkpoint this device can trust.
  const view = await followLog(api, store, request.log);
  const epoch = directoryEpochOf(view.checkpoint);
  if (epoch === undefined) {
    throw new ClientError(
      'LOG_UNSIGNED',
      "the log's checkpoint does not say how many directory entries it commits; is the server the same version?",
    );
  }
  if (epoch < known.length) throw rollback(epoch, known.length);
  // docs/design.md §8: the record was proven at a log at least this large; a smaller one is a rollback.
  if (recalled && recalled.log.size > view.checkpoint.size) {
    throw new ClientError(
      'LOG_ROLLBACK',
      `the server's audit log has ${view.checkpoint.size} entries but this device verified its directory at ${recalled.log.size}: it was rolled back; stop using this server and tell your security officer`,
    );
  }

  const overlap = request.full ? known.length : Math.min(1, known.length);
  const from = known.length - overlap;
  const fetched = await fetchProven(api, from, epoch, view);

  // The entries we had must come back unchanged.
  for (const [i, seen] of known.slice(from).entries()) {
    if (!sameEntry(fetched[i], seen)) {
      throw new ClientError(
        'DIRECTORY_FORKED',
        `the server's directory entry ${from + i} differs from the one this device saw before: the server rewrote history; stop using it and tell your security officer`,
      );
    }
  }
  const fresh = fetched.slice(overlap);
  const entries = fresh.length === 0 ? known : [...known, ...fresh];
  // The record vouches only for entries that all verified: a sync that meets a rejected one
  // fails below and never writes a record, so the verified prefix has none kept out.
  const directory = recalled
    ? await resumeDirectory(root, entries, { epoch: recalled.epoch, rejected: new Map() })
    : await openDirectory(root, entries);
  // docs/design.md §4: every entry must verify against the pinned root; the server checked the same rules.
  for (const [index, reason] of directory.rejected) {
    const kind = entries[index]?.body.kind;
    throw new ClientError(
      'DIRECTORY_INVALID',
      `directory entry ${index}${kind === undefined ? '' : ` (${kind})`} does not verify against the pinned network root (${reason}); the server may be compromised, tell your security officer`,
    );
  }
  if (fresh.length > 0) await store.saveDirectory(entries);
  await rememberCheckpoint(store, view);
  if (cache && recalled?.epoch !== entries.length) {
    await cache.file.write(await sealDirectoryCache(cache.signer, root, extended(recalled, entries, view)));
  }
  // docs/design.md §8: act only on what the witness quorum cosigned.
  const quorum = await witnessQuorum({
    api,
    store,
    log: request.log,
    network: root.network,
    view,
    ...(view.offered !== undefined ? { offered: view.offered } : {}),
    entries,
  });
  const witnessed =
    quorum.epoch < entries.length ? await openDirectory(root, entries.slice(0, quorum.epoch)) : directory;
  return { directory, witnessed, witness: quorum.state };
}

/** The record of `entries`, extended from the last verified point when there is one. */
function extended(
  recalled: VerifiedDirectory | undefined,
  entries: readonly SignedEntry[],
  view: LogView,
): VerifiedDirectory {
  const chain = recalled
    ? chainEntries(recalled.chain, entries.slice(recalled.epoch))
    : chainEntries(EMPTY_CHAIN, entries);
  const { size, rootHash } = view.checkpoint;
  return { epoch: entries.length, chain, log: { size, rootHash } };
}

/**
 * GET /directory?from=N&size=S, following pages to the checkpoint's epoch, each entry
 * checked against its event and the event's inclusion proof (RFC 9162 §2.1.3.2).
 */
async function fetchProven(
  api: ApiClient,
  from: number,
  epoch: number,
  view: LogView,
): Promise<SignedEntry[]> {
  const { size, rootHash } = view.checkpoint;
  const out: SignedEntry[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const at = from + out.length;
    if (at === epoch) return out;
    const answer = await api.call(ROUTES.directory, { query: { from: at, size } });
    const leaves = answer.leaves ?? [];
    if (answer.epoch !== epoch || answer.entries.length === 0 || leaves.length !== answer.entries.length) {
      throw new ClientError(
        'BAD_RESPONSE',
        `the server answered ${answer.entries.length} directory entries from ${at} for ${answer.epoch} where its checkpoint commits ${epoch}; its directory is inconsistent`,
      );
    }
    answer.entries.forEach((entry, i) => {
      const leaf = leaves[i];
      if (!leaf || !isProven(entry, at + i, leaf, size, rootHash)) {
        throw new ClientError(
          'LOG_PROOF_INVALID',
          `directory entry ${at + i} is not proven in the audit log at the checkpoint of ${size} entries: the server may be showing this device a directory others do not see; stop and tell your security officer`,
        );
      }
    });
    out.push(...answer.entries);
    if (from + out.length > epoch)
      throw new ClientError('BAD_RESPONSE', 'the server sent more entries than it commits');
  }
  throw new ClientError('BAD_RESPONSE', `the server's directory did not end after ${MAX_PAGES} pages`);
}

function isProven(
  entry: SignedEntry,
  index: number,
  leaf: DirectoryLeaf,
  size: number,
  root: Uint8Array,
): boolean {
  if (leaf.event === undefined || leaf.proof === undefined) return false;
  const bytes = new TextEncoder().encode(leaf.event);
  try {
    if (!commitsDirectoryEntry(parseLogEvent(bytes), index, encodeCanonical(toJsonValue(entry))))
      return false;
  } catch {
    return false;
  }
  return verifyInclusion(leafHash(bytes), leaf.leaf, size, proofHashes(leaf.proof), root);
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
