/**
 * PostgreSQL: the server refuses to run on a session whose commits are not durable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isFatalWriteError } from '../../../src/server/store/fatal-write-error.ts';
import { openPostgresStore } from '../../../src/server/store/open-postgres.ts';
import { StoreError } from '../../../src/server/store/store-error.ts';
import { backends, type TestDatabase } from '../fixtures/backends.ts';

const postgres = (await backends()).find((b) => b.name === 'postgres')!;

describe('PostgreSQL durability settings', { skip: postgres.skip }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await postgres.create();
  });
  after(async () => {
    await database?.destroy();
  });

  test('synchronous_commit = off is refused with a message that says what to change', async () => {
    const url = `${database.location}?options=${encodeURIComponent('-c synchronous_commit=off')}`;
    await assert.rejects(
      openPostgresStore({ connectionString: url, onFatal: () => {} }),
      (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.equal(error.code, 'NOT_DURABLE');
        assert.match(error.message, /synchronous_commit/);
        return true;
      },
    );
  });

  test('the default settings are accepted', async () => {
    const store = await openPostgresStore({ connectionString: database.location, onFatal: () => {} });
    await store.close();
  });
});

test('disk-full, I/O and corruption errors of both databases are fatal; others are not', () => {
  for (const code of [
    'SQLITE_FULL',
    'SQLITE_IOERR',
    'SQLITE_IOERR_FSYNC',
    'SQLITE_CORRUPT',
    '53100',
    '58030',
    'XX001',
  ]) {
    assert.equal(isFatalWriteError({ code }), true, code);
  }
  for (const code of ['SQLITE_BUSY', 'SQLITE_CONSTRAINT_UNIQUE', '23505', '40001', '57P01', undefined]) {
    assert.equal(isFatalWriteError({ code }), false, String(code));
  }
  assert.equal(isFatalWriteError(new Error('x')), false);
});
