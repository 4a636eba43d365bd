/**
 * The sender's delivery board and escalation by precedence (docs/design.md §2):
 * - acks.leaf_index: the leaf of each acknowledgement's event, so the board can prove it
 *   (null on rows from before; the board then finds the event by its time);
 * - deliveries: the first fetch of a cable by a device of each organisation, written in the
 *   commit that records the fetch, with the leaf of its `cable.fetched` event (the proof a
 *   client checks), keyed (cable, organisation) so the first stands and every later fetch
 *   changes nothing;
 * - escalations: each (cable, addressee organisation) found overdue, keyed so, with its
 *   `cable.overdue` leaf. The key is what makes escalation happen once: two app processes
 *   over one PostgreSQL that both find a cable overdue race on it, and the loser writes
 *   nothing. `seq` orders them for the live inbox streams that carry the notices.
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from './migrations.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the schema exists
type AnyDb = Kysely<any>;

export function delivery(dialect: Dialect): Migration {
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('acks').addColumn('leaf_index', int).execute();
      await db.schema
        .createTable('deliveries')
        .addColumn('cable_seq', int, (c) => c.notNull())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('at', int, (c) => c.notNull())
        .addColumn('leaf_index', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('deliveries_pk', ['cable_seq', 'org'])
        .execute();
      await db.schema
        .createTable('escalations')
        .addColumn('seq', int, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn('cable_seq', int, (c) => c.notNull())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('sender_org', 'text', (c) => c.notNull())
        .addColumn('sender_user', 'text', (c) => c.notNull())
        .addColumn('due_at', int, (c) => c.notNull())
        .addColumn('at', int, (c) => c.notNull())
        .addColumn('leaf_index', int, (c) => c.notNull())
        .addUniqueConstraint('escalations_once', ['cable_seq', 'org'])
        .execute();
      // The escalation job reads the recent cables of one precedence: a range of this index,
      // whatever the size of the archive.
      await db.schema
        .createIndex('cables_by_precedence')
        .on('cables')
        .columns(['precedence', 'accepted_at'])
        .execute();
      await db.schema.createIndex('escalations_by_org').on('escalations').columns(['org', 'seq']).execute();
      await db.schema
        .createIndex('escalations_by_sender')
        .on('escalations')
        .columns(['sender_org', 'seq'])
        .execute();
    },
  };
}
