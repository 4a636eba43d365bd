/** Brings a database to the latest schema with Kysely's Migrator (in-code migrations). */
import { type Kysely, Migrator } from 'kysely';
import { type Dialect, migrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';
import { StoreError } from './store-error.ts';

export async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError('UNAVAILABLE', `migration ${failed} failed; the database was left as it was`, {
      cause: error,
    });
  }
}

/**
 * Refuses a database whose migrations have not all run, without running them: a read-only
 * open (an operator's audit) must never change the database it reads.
 */
export async function requireMigrated(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const pending = (await migrator.getMigrations()).filter((m) => m.executedAt === undefined);
  if (pending.length > 0) {
    throw new StoreError(
      'SCHEMA_OUTDATED',
      `the database has not run migration ${pending.map((m) => m.name).join(', ')}; a read-only open never migrates: start the server on it once (or audit a migrated copy)`,
    );
  }
}
