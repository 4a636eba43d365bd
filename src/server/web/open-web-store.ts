/**
 * Opens the web tables of the server's database for `SqlWebStore`. The main store keeps its
 * Kysely handle to itself, so the web store holds a connection of its own to the same
 * database (the tables are made by the same migrations, which the main store's opener ran):
 * for SQLite a second connection to the file, with the same durability settings, for
 * PostgreSQL a small pool.
 */
import Sqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../store/schema.ts';
import { SqlWebStore } from './sql-web-store.ts';

export type WebDatabase = { readonly sqlitePath: string } | { readonly connectionString: string };

export function openWebStore(database: WebDatabase): SqlWebStore {
  if ('sqlitePath' in database) {
    const connection = new Sqlite(database.sqlitePath);
    connection.pragma('busy_timeout = 5000');
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    return new SqlWebStore(new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) }));
  }
  const pool = new pg.Pool({ connectionString: database.connectionString, max: 4 });
  pool.on('error', () => {});
  return new SqlWebStore(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }));
}
