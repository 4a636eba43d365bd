/**
 * A read-only open (what `valise audit verify --database` uses) never changes the database
 * it reads: it refuses a database whose migrations have not all run instead of migrating
 * it, and refuses every write. Shown on both backends by comparing the database before and
 * after (the SQLite file's bytes; PostgreSQL's migration table and tables).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { utf8 } from '../../../src/core/encoding/bytes.ts';
import { auditRecord } from '../../../src/server/audit-event.ts';
import { type Dialect, migrationProvider } from '../../../src/server/store/migrations.ts';
import { openPostgresStore } from '../../../src/server/store/open-postgres.ts';
import { openSqliteStore } from '../../../src/server/store/open-sqlite.ts';
import type { Database } from '../../../src/server/store/schema.ts';
import type { SqlStore } from '../../../src/server/store/sql-store.ts';
import { backends, rawRows, type TestDatabase } from '../fixtures/backends.ts';
import { randomId, T0 } from '../fixtures/network.ts';

const noFatal = () => assert.fail('onFatal must not be called');

function openReadOnly(database: TestDatabase): Promise<SqlStore> {
  return database.backend === 'sqlite'
    ? openSqliteStore({ path: database.location, onFatal: noFatal, readOnly: true })
    : openPostgresStore({
        connectionString: database.location,
        onFatal: noFatal,
        readOnly: true,
        poolSize: 2,
      });
}

/** Runs the migrations up to and including `last` only: a database of an older release. */
async function migrateTo(database: TestDatabase, last: string): Promise<void> {
  const dialect: Dialect = database.backend;
  const db = new Kysely<Database>({
    dialect:
      database.backend === 'sqlite'
        ? new SqliteDialect({ database: new Sqlite(database.location) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.location, max: 1 }) }),
  });
  try {
    const { error } = await new Migrator({ db, provider: migrationProvider(dialect) }).migrateTo(last);
    assert.equal(error, undefined);
  } finally {
    await db.destroy();
  }
}

/** What a read-only open must leave exactly as it was. */
async function snapshot(database: TestDatabase): Promise<unknown> {
  if (database.backend === 'sqlite') return readFileSync(database.location);
  return {
    migrations: await rawRows(database, 'SELECT name, timestamp FROM kysely_migration ORDER BY name'),
    tables: await rawRows(
      database,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    ),
  };
}

for (const backend of await backends()) {
  describe(`read-only store on ${backend.name}`, { skip: backend.skip }, () => {
    let outdated: TestDatabase;
    let current: TestDatabase;
    before(async () => {
      outdated = await backend.create();
      current = await backend.create();
    });
    after(async () => {
      await outdated?.destroy();
      await current?.destroy();
    });

    test('a database of an older schema is refused, not migrated, and left unchanged', async () => {
      await migrateTo(outdated, '0001-initial');
      const before = await snapshot(outdated);
      await assert.rejects(openReadOnly(outdated), (error: unknown) => {
        assert.equal((error as { code?: unknown }).code, 'SCHEMA_OUTDATED');
        assert.match((error as Error).message, /0002-passkeys-and-sessions/);
        return true;
      });
      assert.deepEqual(await snapshot(outdated), before);
    });

    test('a current database is read, every write is refused, and it is left unchanged', async () => {
      const writer = await current.open();
      const row = { index: 0, kind: 'org', org: 'ZZ', subject: 'ZZ', entry: utf8('{"a":1}') };
      const audit = auditRecord({
        at: T0,
        type: 'directory.entry',
        actor: {},
        object: { kind: 't', id: randomId() },
        detail: {},
      });
      assert.equal(await writer.appendDirectoryEntry(row, T0, audit), true);
      await writer.close();
      const before = await snapshot(current);

      const store = await openReadOnly(current);
      try {
        assert.deepEqual(
          (await store.directoryEntries(0)).map((r) => r.entry),
          [row.entry],
        );
        assert.equal(await store.log.size(), 1);
        await assert.rejects(store.appendAudit(audit), { code: 'READ_ONLY' });
        await assert.rejects(store.appendDirectoryEntry({ ...row, index: 1 }, T0, audit), {
          code: 'READ_ONLY',
        });
      } finally {
        await store.close();
      }
      assert.deepEqual(await snapshot(current), before);
    });
  });
}
