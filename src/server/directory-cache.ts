/**
 * The verified directory, kept in memory and extended as entries arrive (DESIGN §5). On
 * start it is replayed from the store with `openDirectory`; every new entry is replayed on
 * top of it with the same rules, and one the rules reject is refused, so the stored list is
 * always a list that every client replays to the same state. Appends are serialised here
 * (one at a time per process) and by the store's key on the entry index (across processes).
 *
 * A stored row that does not replay is an IntegrityError naming the row and the failed
 * check (tampering or corruption, not an outage); only when no entry at all verifies under
 * the configured root is the configuration (VALISE_ROOT_KEY, VALISE_NETWORK) blamed.
 */
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { decodeCanonical } from '../core/encoding/decode.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { DeviceCertificate, SignedEntry } from '../core/identity/certificate.ts';
import { decodeSignedEntry } from '../core/identity/certificate.ts';
import {
  type Directory,
  extendDirectory,
  type NetworkRoot,
  openDirectory,
} from '../core/identity/directory.ts';
import { verifyCertificate } from '../core/identity/verify-certificate.ts';
import { ServerError } from './server-error.ts';
import { IntegrityError } from './store/integrity-error.ts';
import type { DirectoryRow, Store } from './store/store.ts';
import { StoreError } from './store/store-error.ts';

export interface AppendPlan {
  /** Runs under the lock against the directory the entry will extend; throws to refuse. */
  readonly check: (directory: Directory) => void | Promise<void>;
  /** Writes the entry at `row.index`; false when another process took that index first. */
  readonly commit: (row: DirectoryRow, directory: Directory) => Promise<boolean>;
}

const MAX_APPEND_ATTEMPTS = 3;

export function entryRow(index: number, entry: SignedEntry): DirectoryRow {
  const body = entry.body;
  const subject =
    body.kind === 'org'
      ? body.org
      : body.kind === 'user'
        ? body.user
        : body.kind === 'device'
          ? body.device
          : body.id;
  return { index, kind: body.kind, org: body.org, subject, entry: encodeCanonical(toJsonValue(entry)) };
}

export class DirectoryCache {
  readonly root: NetworkRoot;
  readonly #store: Store;
  #directory: Directory;
  /** Device certificates by id, revoked ones included: a revoked device is told so. */
  #devices = new Map<string, DeviceCertificate>();
  #lock: Promise<unknown> = Promise.resolve();
  #refreshing: Promise<Directory> | undefined;

  private constructor(root: NetworkRoot, store: Store, directory: Directory) {
    this.root = root;
    this.#store = store;
    this.#directory = directory;
    this.#index(directory.entries);
  }

  /** Replays the stored directory; refuses a store whose entries do not replay cleanly. */
  static async open(root: NetworkRoot, store: Store): Promise<DirectoryCache> {
    const rows = await store.directoryEntries(0);
    const directory = await replay(root, [], rows);
    return new DirectoryCache(root, store, directory);
  }

  get directory(): Directory {
    return this.#directory;
  }

  /** The certificate of `id` whatever its state now (revoked or expired included). */
  deviceCertificate(id: string): DeviceCertificate | undefined {
    return this.#devices.get(id);
  }

  /** Catches up with entries other processes wrote; concurrent callers share one read. */
  refresh(): Promise<Directory> {
    this.#refreshing ??= this.#catchUp().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #catchUp(): Promise<Directory> {
    const current = this.#directory;
    const rows = await this.#store.directoryEntries(current.epoch);
    if (rows.length === 0 || this.#directory !== current) return this.#directory;
    const next = await replay(this.root, current.entries, rows);
    if (this.#directory === current) this.#install(next);
    return this.#directory;
  }

  /**
   * Replays `entry` on top of the directory and stores it if the rules accept it. Returns
   * the entry's index and the directory that now includes it.
   */
  append(entry: SignedEntry, plan: AppendPlan): Promise<{ index: number; directory: Directory }> {
    const run = this.#lock.then(() => this.#append(entry, plan));
    this.#lock = run.catch(() => {});
    return run;
  }

  async #append(entry: SignedEntry, plan: AppendPlan): Promise<{ index: number; directory: Directory }> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.refresh();
      await plan.check(current);
      // One signature check before the replay (one check per stored entry): an entry nobody
      // with the issuer's key signed costs the server almost nothing, even when unsigned
      // requests send many.
      const issuer = issuerKey(entry, current);
      if (!issuer || !(await verifyCertificate(entry, issuer))) {
        throw new ServerError(
          'CERTIFICATE_INVALID',
          `the ${entry.body.kind} entry is not signed by its issuer (${issuer ? 'BAD_SIGNATURE' : 'UNKNOWN_ISSUER'}); sign it with the ${isRootSigned(entry) ? 'network root' : `${entry.body.org} organisation`} key`,
        );
      }
      const index = current.epoch;
      const next = await extendDirectory(current, [entry]);
      const reason = next.rejected.get(index);
      if (reason !== undefined) {
        throw new ServerError(
          'CERTIFICATE_INVALID',
          `the directory refuses this ${entry.body.kind} entry (${reason}); check its issuer, signature and subject`,
        );
      }
      if (await plan.commit(entryRow(index, entry), next)) {
        if (this.#directory.epoch === index) this.#install(next);
        return { index, directory: next };
      }
      if (attempt >= MAX_APPEND_ATTEMPTS) {
        throw new ServerError('STORE_UNAVAILABLE', 'the directory is changing too fast to append; try again');
      }
    }
  }

  #install(directory: Directory): void {
    this.#index(directory.entries.slice(this.#directory.epoch));
    this.#directory = directory;
  }

  #index(entries: readonly SignedEntry[]): void {
    for (const entry of entries) {
      if (entry.body.kind === 'device' && !this.#devices.has(entry.body.device)) {
        this.#devices.set(entry.body.device, entry.body);
      }
    }
  }
}

function isRootSigned(entry: SignedEntry): boolean {
  return entry.body.kind === 'org' || (entry.body.kind === 'revocation' && entry.body.subject === 'org');
}

/** The key that must have signed `entry`: the root's, or its organisation's current key. */
function issuerKey(entry: SignedEntry, directory: Directory): Uint8Array | undefined {
  return isRootSigned(entry) ? directory.root.key : directory.org(entry.body.org)?.key;
}

async function replay(
  root: NetworkRoot,
  known: readonly SignedEntry[],
  rows: readonly DirectoryRow[],
): Promise<Directory> {
  const entries = [...known];
  for (const row of rows) {
    const index = entries.length;
    if (row.index !== index) {
      throw new IntegrityError(
        'DIRECTORY_ENTRY_MISSING',
        { table: 'directory_entries', row: index, check: 'GAPLESS_INDEX' },
        `integrity failure: directory entry ${index} is missing from the store (the next stored row is ${row.index}); the directory was cut or rows were deleted`,
      );
    }
    try {
      entries.push(decodeCanonical(row.entry, decodeSignedEntry));
    } catch (cause) {
      const check = (cause as { code?: unknown }).code;
      throw new IntegrityError(
        'DIRECTORY_ENTRY_UNREADABLE',
        { table: 'directory_entries', row: index, check: typeof check === 'string' ? check : 'DECODE' },
        `integrity failure: stored directory entry ${index} (${row.kind} ${row.subject}) is not a signed entry (${String(check)}); it was altered in the database`,
        { cause },
      );
    }
  }
  const directory = await openDirectory(root, entries);
  const first = [...directory.rejected][0];
  if (first === undefined) return directory;
  const [index, reason] = first;
  if (known.length === 0 && !entries.some((e, i) => isRootSigned(e) && !directory.rejected.has(i))) {
    // Not one root-signed entry verifies: the store was made under another root or network.
    throw new StoreError(
      'CORRUPT',
      `no stored directory entry replays from the configured network root (entry ${index}: ${reason}); check VALISE_ROOT_KEY and VALISE_NETWORK`,
    );
  }
  const entry = entries[index]!;
  throw new IntegrityError(
    'DIRECTORY_ENTRY_INVALID',
    { table: 'directory_entries', row: index, check: reason },
    `integrity failure: stored directory entry ${index} (${entry.body.kind} for ${entry.body.org}) fails ${reason}: it was not written through this server's checks; keep the database as it is and tell the network authority`,
  );
}
