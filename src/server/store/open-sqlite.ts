/**
 * Opens the embedded store: one SQLite file through better-sqlite3 (docs/design.md §7), in WAL
 * mode. A commit writes its frames with synchronous=NORMAL and the WAL file is then synced
 * off the event loop (wal-sync.ts); the store answers nothing before that sync, so an
 * acknowledged cable survives a power cut as with synchronous=FULL, without the event loop
 * standing still for each fsync. The settings are set here and then read back: if the file
 * system or build cannot give them (an in-memory database, WAL unsupported), the server
 * refuses to start rather than run without durability.
 *
 * The file and its WAL and shared-memory files hold every cable's ciphertext and the whole
 * audit log: they are made 0600 (SQLite gives the -wal and -shm files the database file's
 * mode), and a file found readable by others is narrowed to 0600 on open.
 *
 * `readOnly` (an operator's audit) opens the file read-only and never writes: no pragma
 * that changes the file, no migration (an outdated schema is refused), every write refused.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrate, requireMigrated } from './migrate.ts';
import type { Database } from './schema.ts';
import { SqlStore } from './sql-store.ts';
import { startSqliteCheckpointer } from './sqlite-checkpointer.ts';
import { withStatementCache } from './statement-cache.ts';
import { StoreError } from './store-error.ts';
import { type Datasync, WalSync } from './wal-sync.ts';

export interface SqliteStoreOptions {
  /** The database file; its directory is created if missing. */
  readonly path: string;
  readonly onFatal: (error: unknown) => void;
  /** How long a writer waits for another process's lock before failing (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Opens the connection; injected by tests that need a special connection. */
  readonly connect?: (path: string) => Sqlite.Database;
  /** Open an existing, migrated file read-only and refuse every write. */
  readonly readOnly?: boolean;
  /** Flushes the WAL file; injected by tests that play a failing or slow disk. */
  readonly datasync?: Datasync;
}

/** Owner read and write only. */
const FILE_MODE = 0o600;

/** PRAGMA synchronous values: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const SYNCHRONOUS_NORMAL = 1;

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqlStore> {
  if (options.readOnly) return openReadOnly(options);
  const connect = options.connect ?? ((path: string) => new Sqlite(path));
  if (options.path !== ':memory:') {
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
    ownerOnly(options.path);
  }
  const database = connect(options.path);
  let sync: WalSync | undefined;
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    database.pragma('journal_mode = WAL');
    // NORMAL: in WAL mode the commit reaches the OS and wal-sync.ts makes it durable before
    // anything is answered; the WAL is synced before each checkpoint, the file after it.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // Performance only, not durability: a 64 MiB page cache keeps the inbox index hot, and
    // checkpointing every 10,000 WAL pages (not 1,000) writes a page changed by several
    // commits back to the database file once. A file store then checkpoints off the event
    // loop instead (sqlite-checkpointer.ts).
    database.pragma('cache_size = -65536');
    database.pragma('wal_autocheckpoint = 10000');
    checkDurable(database);
    if (options.path !== ':memory:') {
      // WAL mode makes its files at the first transaction: a read, so there is a WAL to sync.
      database.prepare('SELECT count(*) FROM sqlite_master').get();
      for (const suffix of ['-wal', '-shm']) ownerOnly(`${options.path}${suffix}`, false);
      sync = await openWalSync(options);
    }
  } catch (error) {
    database.close();
    throw error;
  }
  const cached = withStatementCache(database);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sync ? sync.counting(cached, database) : cached }),
  });
  try {
    await migrate(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    await sync?.close();
    throw error;
  }
  // An in-memory database has no WAL file to sync or for another connection to checkpoint.
  if (sync === undefined)
    return new SqlStore(db, { dialect: 'sqlite', onFatal: options.onFatal, sqlite: database });
  const wal = sync;
  const checkpointer = await startSqliteCheckpointer(database, options.path);
  return new SqlStore(db, {
    dialect: 'sqlite',
    onFatal: options.onFatal,
    sqlite: database,
    sync: wal,
    onClose: async () => {
      await checkpointer.close();
      await wal.close();
    },
  });
}

async function openWalSync(options: SqliteStoreOptions): Promise<WalSync> {
  try {
    return await WalSync.open(options.path, options.datasync);
  } catch (error) {
    throw new StoreError(
      'NOT_DURABLE',
      `cannot open the WAL of ${options.path} to sync it: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Makes `path` (created empty if `create`) readable and writable by its owner only. */
function ownerOnly(path: string, create = true): void {
  if (!existsSync(path)) {
    if (!create) return;
    // An empty file is an empty SQLite database; made here so it is never world-readable.
    closeSync(openSync(path, 'wx', FILE_MODE));
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, FILE_MODE);
}

async function openReadOnly(options: SqliteStoreOptions): Promise<SqlStore> {
  if (!existsSync(options.path)) {
    throw new StoreError('UNAVAILABLE', `no database file at ${options.path}; nothing to open read-only`);
  }
  const database = new Sqlite(options.path, { readonly: true, fileMustExist: true });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    await requireMigrated(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error instanceof StoreError
      ? error
      : new StoreError('UNAVAILABLE', `cannot read ${options.path}: ${(error as Error).message}`, {
          cause: error,
        });
  }
  return new SqlStore(db, { dialect: 'sqlite', onFatal: options.onFatal, sqlite: database, readOnly: true });
}

function checkDurable(database: Sqlite.Database): void {
  const journal = String(database.pragma('journal_mode', { simple: true })).toLowerCase();
  if (journal !== 'wal') {
    throw new StoreError(
      'NOT_DURABLE',
      `SQLite journal_mode is ${journal}, not WAL: use a database file on a local disk that supports WAL`,
    );
  }
  // Below NORMAL (OFF) even a checkpoint would not sync, and the WAL sync would not suffice.
  const synchronous = Number(database.pragma('synchronous', { simple: true }));
  if (!(synchronous >= SYNCHRONOUS_NORMAL)) {
    throw new StoreError(
      'NOT_DURABLE',
      `SQLite synchronous is ${synchronous}, below NORMAL (1): commits could be lost on power failure`,
    );
  }
  if (Number(database.pragma('foreign_keys', { simple: true })) !== 1) {
    throw new StoreError(
      'NOT_DURABLE',
      'SQLite foreign_keys could not be enabled; use a build that supports them',
    );
  }
}
