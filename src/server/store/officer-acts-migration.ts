/**
 * The two-person rule's tables (officer-act-store.ts, docs/design.md §5):
 * - held_acts: each officer act posted from a command-line device, as signed, never updated;
 *   indexed by (org, created_at) for an organisation's waiting list;
 * - act_decisions: the one decision on an act, keyed by the act, so a second decision on the
 *   same act is impossible whatever the isolation level.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './migrations.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the schema exists
type AnyDb = Kysely<any>;

export function officerActs(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  const bytes = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('held_acts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', bytes, (c) => c.notNull())
        .addColumn('created_at', int, (c) => c.notNull())
        .addColumn('expires_at', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('held_acts_by_org')
        .on('held_acts')
        .columns(['org', 'created_at'])
        .execute();
      await db.schema
        .createTable('act_decisions')
        .addColumn('act', 'text', (c) => c.primaryKey())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('at', int, (c) => c.notNull())
        .execute();
    },
  };
}
