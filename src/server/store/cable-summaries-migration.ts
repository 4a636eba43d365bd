/**
 * Format 4's sealed summaries and the watch's count of listed subjects (docs/design.md §4, §9):
 * - cables.summary: the summary ciphertext (subject and tags under the content key), kept
 *   beside the content and served with the device's wrap when an inbox lists subjects;
 *   null for cables of formats 1 to 3, which have none;
 * - watch_listed: which cables' subjects each device has been served, so the watch counts
 *   each subject a device comes to know once, however often it lists it again;
 * - watch_listings: per device, era and minute, how many subjects were listed for the first
 *   time, the volume the watch holds against the listing thresholds.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './migrations.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the schema exists
type AnyDb = Kysely<any>;

export function cableSummaries(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  const bytes = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('cables').addColumn('summary', bytes).execute();
      await db.schema
        .createTable('watch_listed')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('cable_seq', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('watch_listed_pk', ['device', 'cable_seq'])
        .execute();
      await db.schema
        .createTable('watch_listings')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('era', int, (c) => c.notNull())
        .addColumn('bucket', int, (c) => c.notNull())
        .addColumn('listed', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('watch_listings_pk', ['device', 'era', 'bucket'])
        .execute();
    },
  };
}
