/**
 * The watch's signals beyond the read meter (watch-store.ts, docs/design.md §9):
 * - watch_requests: per device, the request sequence window (the highest number and, as hex,
 *   which numbers below it were seen) and when it last signalled two origins at once;
 * - watch_origins: the networks each device used, first and last seen, keyed (device, prefix);
 * - watch_signals: each weighted signal, keyed by device and era and scanned by time, so a
 *   device's score over the last day is one range scan;
 * - watch_opened: the cables each device fetched, so a read of old archive it never opened
 *   is told from a second look at one it did;
 * - watch_canaries: which cables are canaries, whom they watch, who planted them, and the
 *   first fetch that tripped them (the marking lives only here, never in the cable);
 * - watch_hours: each organisation's working hours, as its officers set them.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './migrations.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the schema exists
type AnyDb = Kysely<any>;

export function watchSignals(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('watch_requests')
        .addColumn('device', 'text', (c) => c.primaryKey())
        .addColumn('seq_high', int, (c) => c.notNull())
        .addColumn('seq_seen', 'text', (c) => c.notNull())
        .addColumn('two_origins_at', int)
        .execute();
      await db.schema
        .createTable('watch_origins')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('first_seen', int, (c) => c.notNull())
        .addColumn('last_seen', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('watch_origins_pk', ['device', 'prefix'])
        .execute();
      await db.schema
        .createTable('watch_signals')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('era', int, (c) => c.notNull())
        .addColumn('at', int, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('weight', int, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('watch_signals_by_device')
        .on('watch_signals')
        .columns(['device', 'era', 'at'])
        .execute();
      await db.schema
        .createTable('watch_opened')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('cable_seq', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('watch_opened_pk', ['device', 'cable_seq'])
        .execute();
      await db.schema
        .createTable('watch_canaries')
        .addColumn('cable', 'text', (c) => c.primaryKey())
        .addColumn('cable_seq', int, (c) => c.notNull().unique())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('targets', 'text', (c) => c.notNull())
        .addColumn('planted_by', 'text', (c) => c.notNull())
        .addColumn('planted_at', int, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('tripped_device', 'text')
        .addColumn('tripped_at', int)
        .execute();
      await db.schema.createIndex('watch_canaries_by_org').on('watch_canaries').column('org').execute();
      await db.schema
        .createTable('watch_hours')
        .addColumn('org', 'text', (c) => c.primaryKey())
        .addColumn('hours', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
