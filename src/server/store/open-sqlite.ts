/**
 * Opens the embedded store: one SQLite file through better-sqlite3 (DESIGN §7), in WAL mode
 * with synchronous=FULL, so a commit is on disk before it returns and an acknowledged cable
 * survives a power cut. The settings are set here and then read back: if the file system
 * or build cannot give them (an in-memory database, WAL unsupported), the server refuses to
 * start rather than run without durability.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrate } from './migrate.ts';
import type { Database } from './schema.ts';
import { SqlStore } from './sql-store.ts';
import { StoreError } from './store-error.ts';

export interface SqliteStoreOptions {
  /** The database file; its directory is created if missing. */
  readonly path: string;
  readonly onFatal: (error: unknown) => void;
  /** How long a writer waits for another process's lock before failing (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Opens the connection; injected by tests that need a special connection. */
  readonly connect?: (path: string) => Sqlite.Database;
}

/** PRAGMA synchronous values: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const SYNCHRONOUS_FULL = 2;

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqlStore> {
  const connect = options.connect ?? ((path: string) => new Sqlite(path));
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const database = connect(options.path);
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    // Performance only, not durability: a 64 MiB page cache keeps the inbox index hot, and
    // checkpointing every 10,000 WAL pages (not 1,000) writes a page changed by several
    // commits back to the database file once.
    database.pragma('cache_size = -65536');
    database.pragma('wal_autocheckpoint = 10000');
    checkDurable(database);
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrate(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqlStore(db, { dialect: 'sqlite', onFatal: options.onFatal, sqlite: database });
}

function checkDurable(database: Sqlite.Database): void {
  const journal = String(database.pragma('journal_mode', { simple: true })).toLowerCase();
  if (journal !== 'wal') {
    throw new StoreError(
      'NOT_DURABLE',
      `SQLite journal_mode is ${journal}, not WAL: use a database file on a local disk that supports WAL`,
    );
  }
  const synchronous = Number(database.pragma('synchronous', { simple: true }));
  if (!(synchronous >= SYNCHRONOUS_FULL)) {
    throw new StoreError(
      'NOT_DURABLE',
      `SQLite synchronous is ${synchronous}, below FULL (2): commits could be lost on power failure`,
    );
  }
  if (Number(database.pragma('foreign_keys', { simple: true })) !== 1) {
    throw new StoreError(
      'NOT_DURABLE',
      'SQLite foreign_keys could not be enabled; use a build that supports them',
    );
  }
}
