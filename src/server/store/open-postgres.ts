/**
 * Opens the PostgreSQL store (`DATABASE_URL`). PostgreSQL's defaults are durable: a commit
 * returns after its WAL is flushed. The server checks that nobody turned that off (fsync,
 * synchronous_commit, full_page_writes) and refuses to start if they did, because those
 * settings trade acknowledged data for speed.
 *
 * `readOnly` (an operator's audit) opens every session with default_transaction_read_only,
 * runs no migration (an outdated schema is refused) and refuses every write.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate, requireMigrated } from './migrate.ts';
import type { Database } from './schema.ts';
import { SqlStore } from './sql-store.ts';
import { StoreError } from './store-error.ts';

export interface PostgresStoreOptions {
  readonly connectionString: string;
  readonly onFatal: (error: unknown) => void;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** Open read-only (the database refuses writes too) and never migrate. */
  readonly readOnly?: boolean;
}

const INT8_OID = 20;

/** INT8 (bigint, count(*)) as a JavaScript number: every counter here stays below 2^53. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

export async function openPostgresStore(options: PostgresStoreOptions): Promise<SqlStore> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    types: types as pg.CustomTypesConfig,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client's error (the server restarted) must not crash the process; the next
  // query gets a fresh connection or fails with 503.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await checkDurable(pool);
    if (options.readOnly) await requireMigrated(db, 'postgres');
    else await migrate(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error instanceof StoreError
      ? error
      : new StoreError('UNAVAILABLE', `cannot open PostgreSQL: ${(error as Error).message}`, {
          cause: error,
        });
  }
  return new SqlStore(db, {
    dialect: 'postgres',
    onFatal: options.onFatal,
    readOnly: options.readOnly ?? false,
  });
}

async function checkDurable(pool: pg.Pool): Promise<void> {
  const setting = async (name: string): Promise<string> => {
    const result = await pool.query<{ value: string }>('SELECT current_setting($1) AS value', [name]);
    return String(result.rows[0]?.value ?? '').toLowerCase();
  };
  const fsync = await setting('fsync');
  if (fsync !== 'on') {
    throw new StoreError(
      'NOT_DURABLE',
      'PostgreSQL runs with fsync = off: acknowledged cables could be lost; turn fsync on',
    );
  }
  const commit = await setting('synchronous_commit');
  if (commit === 'off') {
    throw new StoreError(
      'NOT_DURABLE',
      'PostgreSQL runs with synchronous_commit = off: a commit could be lost after it is acknowledged; set it to on',
    );
  }
  const pages = await setting('full_page_writes');
  if (pages !== 'on') {
    throw new StoreError(
      'NOT_DURABLE',
      'PostgreSQL runs with full_page_writes = off: a crash could tear pages; turn it on',
    );
  }
}
