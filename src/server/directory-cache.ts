/**
 * The verified directory, kept in memory and extended as entries arrive (docs/design.md §5). On
 * start it is replayed from the store with `openDirectory`; every new entry is replayed on
 * top of it with the same rules, and one the rules reject is refused, so the stored list is
 * always a list that every client replays to the same state. Appends are serialised here
 * (one at a time per process) and by the store's key on the entry index (across processes).
 *
 * An entry already in the directory (the same signed bytes) is not appended again: a re-post
 * answers with the index it has, and writes neither an entry nor a log event.
 * A stored row that does not replay is an IntegrityError naming the row and the failed
 * check (tampering or corruption, not an outage); only when no entry at all verifies under
 * the configured root is the configuration (VALISE_ROOT_KEY, VALISE_NETWORK) blamed.
 */
import { constantTimeEqual, toBase64url } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { decodeCanonical } from '../core/encoding/decode.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { DeviceCertificate, SignedEntry } from '../core/identity/certificate.ts';
import { decodeSignedEntry } from '../core/identity/certificate.ts';
import { issuerIn } from '../core/identity/certificate-issuer.ts';
import {
  type Directory,
  extendDirectory,
  type NetworkRoot,
  openDirectory,
  type RejectionReason,
} from '../core/identity/directory.ts';
import { verifyCertificate } from '../core/identity/verify-certificate.ts';
import { ServerError, type ServerErrorCode } from './server-error.ts';
import { IntegrityError } from './store/integrity-error.ts';
import type { DirectoryRow, Store } from './store/store.ts';
import { StoreError } from './store/store-error.ts';

export interface AppendPlan {
  /** Runs under the lock against the directory the entry will extend; throws to refuse. */
  readonly check: (directory: Directory) => void | Promise<void>;
  /**
   * Writes the entry at `row.index`; false when another process took that index first;
   * `held` when the entry was checked but kept aside (a held officer act, held-act.ts).
   */
  readonly commit: (row: DirectoryRow, directory: Directory) => Promise<boolean | 'held'>;
}

const MAX_APPEND_ATTEMPTS = 3;

/** What `append` did: the entry's index, the directory including it, and whether it was new. */
export interface Appended {
  readonly index: number;
  readonly directory: Directory;
  /** False when the same entry was already in the directory (nothing was written). */
  readonly added: boolean;
  /** True when the entry passed every check and was held, not appended. */
  readonly held?: boolean;
}

/** Rejection reasons with a code of their own; every other one is CERTIFICATE_INVALID. */
const REASON_CODES: Partial<Record<RejectionReason, ServerErrorCode>> = {
  VERSION_NOT_NEWER: 'CERTIFICATE_OUTDATED',
  ISSUED_BEFORE_CURRENT: 'CERTIFICATE_OUTDATED',
  ROLE_NOT_GRANTABLE: 'ROLE_NOT_GRANTABLE',
};

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
  /** Entry index by signature (base64url), to answer a re-post of a known entry. */
  #bySignature = new Map<string, number>();
  #lock: Promise<unknown> = Promise.resolve();
  #refreshing: Promise<Directory> | undefined;

  private constructor(root: NetworkRoot, store: Store, directory: Directory) {
    this.root = root;
    this.#store = store;
    this.#directory = directory;
    this.#index(directory.entries, 0);
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
  append(entry: SignedEntry, plan: AppendPlan): Promise<Appended> {
    const run = this.#lock.then(() => this.#append(entry, plan));
    this.#lock = run.catch(() => {});
    return run;
  }

  async #append(entry: SignedEntry, plan: AppendPlan): Promise<Appended> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.refresh();
      const known = this.#known(entry, current);
      if (known !== undefined) return { index: known, directory: current, added: false };
      // One signature check before the replay (one check per stored entry): an entry nobody
      // with the issuer's key signed costs the server almost nothing, even when unsigned
      // requests send many.
      const issuer = await checkIssuer(entry, current);
      if (issuer !== undefined) {
        throw new ServerError(
          issuer === 'ROLE_NOT_GRANTABLE' ? 'ROLE_NOT_GRANTABLE' : 'CERTIFICATE_INVALID',
          `the ${entry.body.kind} entry is not signed by its issuer (${issuer}); sign it with the ${requiredIssuerName(entry, current)} key`,
        );
      }
      await plan.check(current);
      const index = current.epoch;
      const next = await extendDirectory(current, [entry]);
      const reason = next.rejected.get(index);
      if (reason !== undefined) {
        const code = REASON_CODES[reason] ?? 'CERTIFICATE_INVALID';
        throw new ServerError(
          code,
          code === 'CERTIFICATE_OUTDATED'
            ? `the directory already holds a newer or equal version of this ${entry.body.kind} certificate (${reason}); issue it again with a higher version and a current issuedAt`
            : `the directory refuses this ${entry.body.kind} entry (${reason}); check its issuer, signature and subject`,
        );
      }
      const committed = await plan.commit(entryRow(index, entry), next);
      if (committed === 'held') return { index, directory: current, added: false, held: true };
      if (committed) {
        if (this.#directory.epoch === index) this.#install(next);
        return { index, directory: next, added: true };
      }
      if (attempt >= MAX_APPEND_ATTEMPTS) {
        throw new ServerError('STORE_UNAVAILABLE', 'the directory is changing too fast to append; try again');
      }
    }
  }

  /**
   * The index of `entry` if the directory holds exactly it and it is still in force (a
   * revocation stays in force). An older version re-posted is not "known": it goes on to be
   * refused as outdated, so its sender is told it no longer counts.
   */
  #known(entry: SignedEntry, directory: Directory): number | undefined {
    const index = this.#bySignature.get(toBase64url(entry.signature));
    const stored = index === undefined ? undefined : directory.entries[index];
    if (index === undefined || stored === undefined || !sameBytes(stored, entry)) return undefined;
    const body = entry.body;
    const current =
      body.kind === 'org'
        ? directory.org(body.org)
        : body.kind === 'user'
          ? directory.user(body.user)
          : body.kind === 'device'
            ? directory.device(body.device)?.device
            : body;
    return current !== undefined && sameBytes(current, body) ? index : undefined;
  }

  #install(directory: Directory): void {
    this.#index(directory.entries.slice(this.#directory.epoch), this.#directory.epoch);
    this.#directory = directory;
  }

  #index(entries: readonly SignedEntry[], from: number): void {
    entries.forEach((entry, i) => {
      const key = toBase64url(entry.signature);
      if (!this.#bySignature.has(key)) this.#bySignature.set(key, from + i);
    });
    for (const entry of entries) {
      if (entry.body.kind === 'device' && !this.#devices.has(entry.body.device)) {
        this.#devices.set(entry.body.device, entry.body);
      }
    }
  }
}

/** The key `entry` must be signed with (core/identity/certificate-issuer.ts), as it stands now. */
function issuerKey(entry: SignedEntry, directory: Directory): Uint8Array | undefined {
  return issuerIn(entry.body, directory) === 'root' ? directory.root.key : directory.org(entry.body.org)?.key;
}

/** Entries only the root ever signs: organisations and their revocations. */
function isRootSigned(entry: SignedEntry): boolean {
  return entry.body.kind === 'org' || (entry.body.kind === 'revocation' && entry.body.subject === 'org');
}

function sameBytes(a: unknown, b: unknown): boolean {
  return constantTimeEqual(encodeCanonical(toJsonValue(a)), encodeCanonical(toJsonValue(b)));
}

function requiredIssuerName(entry: SignedEntry, directory: Directory): string {
  return issuerIn(entry.body, directory) === 'root' ? 'network root' : `${entry.body.org} organisation`;
}

/**
 * One signature check before the replay: an entry nobody with the issuer's key signed costs
 * the server almost nothing. Signed by the other issuer is told apart (ROLE_NOT_GRANTABLE).
 */
async function checkIssuer(
  entry: SignedEntry,
  directory: Directory,
): Promise<'UNKNOWN_ISSUER' | 'BAD_SIGNATURE' | 'ROLE_NOT_GRANTABLE' | undefined> {
  const key = issuerKey(entry, directory);
  if (!key) return 'UNKNOWN_ISSUER';
  if (await verifyCertificate(entry, key)) return undefined;
  const orgKey = directory.org(entry.body.org)?.key;
  const other = key === directory.root.key ? orgKey : directory.root.key;
  return other && (await verifyCertificate(entry, other)) ? 'ROLE_NOT_GRANTABLE' : 'BAD_SIGNATURE';
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
  const entry = entries[index];
  const what = entry ? ` (${entry.body.kind} for ${entry.body.org})` : '';
  throw new IntegrityError(
    'DIRECTORY_ENTRY_INVALID',
    { table: 'directory_entries', row: index, check: reason },
    `integrity failure: stored directory entry ${index}${what} fails ${reason}: it was not written through this server's checks; keep the database as it is and tell the network authority`,
  );
}
