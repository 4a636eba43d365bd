/**
 * The SQLite connection as Kysely sees it, with its statements kept prepared. Kysely's SQLite
 * driver prepares every query it runs, and preparing (parsing and planning the SQL) costs
 * more than running the small queries a request makes, dozens of them per cable accepted.
 * The same SQL text gets the same prepared statement back, from a bounded cache (least
 * recently used first out), so a query shape built with a varying number of rows cannot grow
 * it without end.
 *
 * better-sqlite3 runs a statement to completion synchronously, so one statement object serves
 * every caller in turn; the one exception, a statement still being iterated (a streamed
 * query), is never handed out again while busy: that caller gets a fresh statement.
 * SQLite re-prepares a cached statement by itself when a migration changes the schema.
 */
import type Sqlite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared. A request's queries are a few dozen shapes. */
const CACHED_STATEMENTS = 256;

export function withStatementCache(database: Sqlite.Database, size = CACHED_STATEMENTS): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined && !cached.busy) {
        // Most recently used goes last; the first key is the next to leave.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached === undefined) {
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
