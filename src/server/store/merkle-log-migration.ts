/**
 * Migration 0003: the verifiable audit log (docs/design.md §8). Adds the leaf index (and the
 * organisations an event is indexed under) to audit events, the leaf of each directory
 * entry, and the tables of tree nodes, signed checkpoints and witness cosignatures, all
 * append-only like the audit table: the database refuses UPDATE and DELETE on them.
 *
 * A database that already holds events is adopted: its events become leaves 0, 1, 2, … in
 * the order they were written, each directory entry gets a `directory.entry` event with
 * action `logged` (earlier events did not commit to the entry's bytes), and the tree's
 * nodes are computed. This is the one place where audit rows are updated, with the
 * append-only triggers lifted for the migration's transaction.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { appendLeafHashes, emptyCompactRange } from '../../core/log/merkle/compact-range.ts';
import { leafHash } from '../../core/log/merkle/merkle-hash.ts';
import { auditOrgs, directoryEntryAudit } from '../audit-event.ts';
import type { Dialect } from './migrations.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the schema exists
type AnyDb = Kysely<any>;

const APPEND_ONLY_TABLES = ['merkle_nodes', 'checkpoints', 'cosignatures'] as const;

function blob(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export function merkleLog(dialect: Dialect): Migration {
  const bytes = dialect === 'sqlite' ? 'blob' : 'bytea';
  const int = dialect === 'sqlite' ? 'integer' : 'bigint';
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('audit_events').addColumn('leaf_index', int).execute();
      await db.schema.alterTable('audit_events').addColumn('actor_org', 'text').execute();
      await db.schema.alterTable('audit_events').addColumn('object_org', 'text').execute();
      await db.schema.alterTable('directory_entries').addColumn('leaf_index', int).execute();

      let nodes = db.schema
        .createTable('merkle_nodes')
        .addColumn('level', int, (c) => c.notNull())
        .addColumn('idx', int, (c) => c.notNull())
        .addColumn('hash', bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('merkle_nodes_pk', ['level', 'idx']);
      // The key is the only access path: cluster the rows on it.
      if (dialect === 'sqlite') nodes = nodes.modifyEnd(sql`WITHOUT ROWID`);
      await nodes.execute();

      await db.schema
        .createTable('checkpoints')
        .addColumn('size', int, (c) => c.primaryKey())
        .addColumn('root', bytes, (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('signed_at', int, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('cosignatures')
        .addColumn('size', int, (c) => c.notNull().references('checkpoints.size'))
        .addColumn('witness', 'text', (c) => c.notNull())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('cosigned_at', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('cosignatures_pk', ['size', 'witness'])
        .execute();

      await adoptExistingRows(db, dialect);

      await db.schema
        .createIndex('audit_events_by_leaf')
        .unique()
        .on('audit_events')
        .column('leaf_index')
        .execute();
      // An organisation's events: by who acted, or by whose object it was; alerts by type.
      for (const column of ['actor_org', 'object_org', 'type']) {
        await db.schema
          .createIndex(`audit_events_by_${column}`)
          .on('audit_events')
          .columns([column, 'leaf_index'])
          .execute();
      }
      await db.schema
        .createIndex('directory_entries_by_leaf')
        .unique()
        .on('directory_entries')
        .column('leaf_index')
        .execute();

      await appendOnly(db, dialect);
    },
  };
}

/** docs/design.md §8: like the audit table, the log's tables refuse UPDATE and DELETE. */
async function appendOnly(db: AnyDb, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const table of APPEND_ONLY_TABLES) {
      for (const op of ['UPDATE', 'DELETE']) {
        await sql
          .raw(
            `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
              `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
          )
          .execute(db);
      }
    }
    return;
  }
  await sql
    .raw(
      'CREATE FUNCTION log_tables_append_only() RETURNS trigger LANGUAGE plpgsql AS ' +
        `$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
    )
    .execute(db);
  for (const table of APPEND_ONLY_TABLES) {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} ` +
          'FOR EACH ROW EXECUTE FUNCTION log_tables_append_only()',
      )
      .execute(db);
  }
}

async function adoptExistingRows(db: AnyDb, dialect: Dialect): Promise<void> {
  const events = await db.selectFrom('audit_events').select(['seq', 'event']).orderBy('seq').execute();
  const entries = await db
    .selectFrom('directory_entries')
    .select(['idx', 'kind', 'org', 'subject', 'entry', 'added_at'])
    .orderBy('idx')
    .execute();
  if (events.length === 0 && entries.length === 0) return;

  await setAuditTriggers(db, dialect, false);
  const leafHashes: Uint8Array[] = [];
  for (const row of events) {
    const event = new Uint8Array(row.event);
    const orgs = auditOrgs(event);
    await db
      .updateTable('audit_events')
      .set({ leaf_index: leafHashes.length, actor_org: orgs.actorOrg, object_org: orgs.objectOrg })
      .where('seq', '=', row.seq)
      .execute();
    leafHashes.push(leafHash(event));
  }
  for (const row of entries) {
    const audit = directoryEntryAudit({
      at: Number(row.added_at),
      actor: {},
      action: 'logged',
      row: {
        index: Number(row.idx),
        kind: row.kind,
        org: row.org,
        subject: row.subject,
        entry: new Uint8Array(row.entry),
      },
    });
    const leaf = leafHashes.length;
    await db
      .insertInto('audit_events')
      .values({
        at: audit.at,
        type: audit.type,
        event: blob(audit.event),
        leaf_index: leaf,
        actor_org: null,
        object_org: row.org,
      })
      .execute();
    await db.updateTable('directory_entries').set({ leaf_index: leaf }).where('idx', '=', row.idx).execute();
    leafHashes.push(leafHash(audit.event));
  }
  const { nodes } = appendLeafHashes(emptyCompactRange(), leafHashes);
  for (let i = 0; i < nodes.length; i += 2000) {
    await db
      .insertInto('merkle_nodes')
      .values(nodes.slice(i, i + 2000).map((n) => ({ level: n.level, idx: n.index, hash: blob(n.hash) })))
      .execute();
  }
  await setAuditTriggers(db, dialect, true);
}

/** Lifts (or restores) the audit table's append-only triggers of migration 0001. */
async function setAuditTriggers(db: AnyDb, dialect: Dialect, on: boolean): Promise<void> {
  if (dialect === 'postgres') {
    await sql
      .raw(`ALTER TABLE audit_events ${on ? 'ENABLE' : 'DISABLE'} TRIGGER audit_events_no_change`)
      .execute(db);
    return;
  }
  for (const op of ['UPDATE', 'DELETE']) {
    const name = `audit_events_no_${op.toLowerCase()}`;
    await sql
      .raw(
        on
          ? `CREATE TRIGGER ${name} BEFORE ${op} ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`
          : `DROP TRIGGER ${name}`,
      )
      .execute(db);
  }
}
