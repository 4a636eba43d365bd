import assert from 'node:assert/strict';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { withStatementCache } from '../../../src/server/store/statement-cache.ts';

function database(): Sqlite.Database {
  const db = new Sqlite(':memory:');
  db.exec('CREATE TABLE t (n INTEGER)');
  db.exec('INSERT INTO t VALUES (1), (2), (3)');
  return db;
}

test('the same SQL gets the same prepared statement back', () => {
  const cached = withStatementCache(database());
  const first = cached.prepare('SELECT n FROM t ORDER BY n');
  assert.equal(cached.prepare('SELECT n FROM t ORDER BY n'), first);
  assert.deepEqual(first.all([]), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  cached.close();
});

test('a statement still being iterated is not handed out: the caller gets a fresh one that runs', () => {
  const db = database();
  const cached = withStatementCache(db);
  const sql = 'SELECT n FROM t ORDER BY n';
  const streaming = cached.prepare(sql) as unknown as Sqlite.Statement;
  const rows = streaming.iterate();
  assert.deepEqual(rows.next().value, { n: 1 });
  const other = cached.prepare(sql);
  assert.notEqual(other, streaming);
  assert.deepEqual(other.all([]), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  rows.return?.();
  assert.equal(cached.prepare(sql), streaming);
  cached.close();
});

test('the cache is bounded: the least recently used statement leaves first', () => {
  const cached = withStatementCache(database(), 2);
  const a = cached.prepare('SELECT 1');
  const b = cached.prepare('SELECT 2');
  assert.equal(cached.prepare('SELECT 1'), a); // a is now the most recent
  cached.prepare('SELECT 3'); // evicts b
  assert.equal(cached.prepare('SELECT 1'), a);
  assert.notEqual(cached.prepare('SELECT 2'), b);
  cached.close();
});
