/**
 * The one migration set, for both dialects. Only the column types differ (a byte string is
 * BLOB or BYTEA, a counter is an INTEGER rowid alias or a BIGINT identity); the tables,
 * keys and indexes are the same, but for the one foreign key PostgreSQL's wraps no longer
 * carry (`wrapsWithoutCableCheck`). Migrations are append-only: a released one is never edited.
 *
 * Index decisions:
 * - wraps is keyed (device, cable_seq): the inbox of one device is one range scan of that
 *   key, newest first, and fetching a device's wrap is one lookup of it.
 * - cables are UNIQUE (org, year, serial): two devices racing for a serial cannot both win,
 *   whatever the isolation level; the same index finds an organisation's head.
 */
import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  sql,
} from 'kysely';
import { cableSummaries } from './cable-summaries-migration.ts';
import { delivery } from './delivery-migration.ts';
import { merkleLog } from './merkle-log-migration.ts';
import { officerActs } from './officer-acts-migration.ts';
import { watchSignals } from './watch-signals-migration.ts';

export type Dialect = 'sqlite' | 'postgres';

interface Types {
  readonly bytes: 'blob' | 'bytea';
  readonly int: 'integer' | 'bigint';
}

function typesOf(dialect: Dialect): Types {
  return dialect === 'sqlite' ? { bytes: 'blob', int: 'integer' } : { bytes: 'bytea', int: 'bigint' };
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the schema exists
type AnyDb = Kysely<any>;

function serialKey(dialect: Dialect) {
  // SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (a rowid alias, never reused);
  // PostgreSQL: BIGINT GENERATED ALWAYS AS IDENTITY.
  return dialect === 'sqlite'
    ? (col: ColumnDefinitionBuilder) => col.primaryKey().autoIncrement()
    : (col: ColumnDefinitionBuilder) => col.primaryKey().generatedAlwaysAsIdentity();
}

function initial(dialect: Dialect): Migration {
  const t = typesOf(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('directory_entries')
        .addColumn('idx', t.int, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('entry', t.bytes, (c) => c.notNull())
        .addColumn('added_at', t.int, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('secret_hash', t.bytes, (c) => c.notNull())
        .addColumn('expires_at', t.int, (c) => c.notNull())
        .addColumn('created_at', t.int, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('used_at', t.int)
        .execute();

      await db.schema
        .createTable('enrolments')
        .addColumn('device', 'text', (c) => c.primaryKey())
        .addColumn('invitation', 'text', (c) => c.notNull().unique().references('invitations.id'))
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('signing_key', t.bytes, (c) => c.notNull())
        .addColumn('kem_key', t.bytes, (c) => c.notNull())
        .addColumn('created_at', t.int, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('enrolments_by_org').on('enrolments').columns(['org', 'status']).execute();

      await db.schema
        .createTable('cables')
        .addColumn('seq', t.int, serialKey(dialect))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('year', t.int, (c) => c.notNull())
        .addColumn('serial', t.int, (c) => c.notNull())
        .addColumn('sender_device', 'text', (c) => c.notNull())
        .addColumn('sender_user', 'text', (c) => c.notNull())
        .addColumn('distribution', 'text', (c) => c.notNull())
        .addColumn('header', t.bytes, (c) => c.notNull())
        .addColumn('signature', t.bytes, (c) => c.notNull())
        .addColumn('content', t.bytes, (c) => c.notNull())
        .addColumn('hash', t.bytes, (c) => c.notNull())
        .addColumn('classification', 'text', (c) => c.notNull())
        .addColumn('precedence', 'text', (c) => c.notNull())
        .addColumn('sent_at', t.int, (c) => c.notNull())
        .addColumn('accepted_at', t.int, (c) => c.notNull())
        .addUniqueConstraint('cables_series', ['org', 'year', 'serial'])
        .execute();

      await db.schema
        .createTable('wraps')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('cable_seq', t.int, (c) => c.notNull().references('cables.seq'))
        .addColumn('enc', t.bytes, (c) => c.notNull())
        .addColumn('wrapped_key', t.bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('wraps_pk', ['device', 'cable_seq'])
        .execute();

      await db.schema
        .createTable('acks')
        .addColumn('cable_seq', t.int, (c) => c.notNull().references('cables.seq'))
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('at', t.int, (c) => c.notNull())
        .addPrimaryKeyConstraint('acks_pk', ['cable_seq', 'org'])
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('seq', t.int, serialKey(dialect))
        .addColumn('at', t.int, (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('event', t.bytes, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('nonces')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('expires_at', t.int, (c) => c.notNull())
        .addPrimaryKeyConstraint('nonces_pk', ['key_id', 'nonce'])
        .execute();
      await db.schema.createIndex('nonces_by_expiry').on('nonces').column('expires_at').execute();

      // docs/design.md §8: the audit table is append-only. The store never updates or deletes a row;
      // these triggers make the database refuse it too.
      if (dialect === 'sqlite') {
        for (const op of ['UPDATE', 'DELETE']) {
          await sql
            .raw(
              `CREATE TRIGGER audit_events_no_${op.toLowerCase()} BEFORE ${op} ON audit_events ` +
                `BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
            )
            .execute(db);
        }
      } else {
        await sql
          .raw(
            `CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS ` +
              `$$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`,
          )
          .execute(db);
        await sql
          .raw(
            'CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events ' +
              'FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()',
          )
          .execute(db);
      }
    },
  };
}

/**
 * Browser sign-in (src/server/web): passkeys bound to browser devices, sessions kept only as
 * the SHA-256 of their id, and single-use WebAuthn challenges.
 */
function passkeysAndSessions(dialect: Dialect): Migration {
  const t = typesOf(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('passkeys')
        .addColumn('credential_id', 'text', (c) => c.primaryKey())
        .addColumn('device', 'text', (c) => c.notNull().unique())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('public_key', t.bytes, (c) => c.notNull())
        .addColumn('counter', t.int, (c) => c.notNull())
        .addColumn('device_type', 'text', (c) => c.notNull())
        .addColumn('backed_up', t.int, (c) => c.notNull())
        .addColumn('transports', 'text', (c) => c.notNull())
        .addColumn('created_at', t.int, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('web_sessions')
        .addColumn('id_hash', t.bytes, (c) => c.primaryKey())
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('created_at', t.int, (c) => c.notNull())
        .addColumn('last_seen_at', t.int, (c) => c.notNull())
        .addColumn('expires_at', t.int, (c) => c.notNull())
        .addColumn('stepped_up_at', t.int)
        .addColumn('ended_at', t.int)
        .execute();
      await db.schema.createIndex('web_sessions_by_device').on('web_sessions').column('device').execute();

      await db.schema
        .createTable('webauthn_challenges')
        .addColumn('challenge', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('expires_at', t.int, (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Attachments: encrypted blobs stored once by the SHA-256 of their ciphertext,
 * and the links from a cable to the blobs its sender listed. Blobs are never deleted, so a
 * link checked at acceptance stays good.
 */
function attachments(dialect: Dialect): Migration {
  const t = typesOf(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('attachments')
        .addColumn('digest', t.bytes, (c) => c.primaryKey())
        .addColumn('content', t.bytes, (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', t.int, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('cable_attachments')
        .addColumn('cable_seq', t.int, (c) => c.notNull())
        .addColumn('digest', t.bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint('cable_attachments_pk', ['cable_seq', 'digest'])
        .execute();
    },
  };
}

/**
 * The watch (watch-store.ts): each device's reads in minute buckets, keyed (device, era,
 * bucket) so metering a read is one upsert and a day's assessment one range scan; each
 * watched device's state and era (a release or a passkey touch starts a new era, whose
 * count starts at zero, while the old eras stay for the officer's chart); each
 * organisation's tuned thresholds per role.
 */
function watch(dialect: Dialect): Migration {
  const t = typesOf(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('watch_reads')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('era', t.int, (c) => c.notNull())
        .addColumn('bucket', t.int, (c) => c.notNull())
        .addColumn('reads', t.int, (c) => c.notNull())
        .addPrimaryKeyConstraint('watch_reads_pk', ['device', 'era', 'bucket'])
        .execute();
      await db.schema
        .createTable('watch_devices')
        .addColumn('device', 'text', (c) => c.primaryKey())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('since', t.int, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('era', t.int, (c) => c.notNull())
        .addColumn('alerted_at', t.int)
        .execute();
      await db.schema.createIndex('watch_devices_by_org').on('watch_devices').column('org').execute();
      await db.schema
        .createTable('watch_thresholds')
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('thresholds', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('watch_thresholds_pk', ['org', 'role'])
        .execute();
    },
  };
}

/**
 * Attachment owners and quotas (docs/design.md §7): each blob records its uploader's
 * organisation, its size and the one cable it is linked to (a blob is linked once, by the
 * device that uploaded it). Blobs stored before keep their first link; their organisation is
 * the uploading device's, read from the directory rows.
 */
function attachmentOwners(dialect: Dialect): Migration {
  const t = typesOf(dialect);
  const length = dialect === 'sqlite' ? sql`length(content)` : sql`octet_length(content)`;
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('attachments').addColumn('org', 'text').execute();
      await db.schema.alterTable('attachments').addColumn('size', t.int).execute();
      await db.schema.alterTable('attachments').addColumn('linked_seq', t.int).execute();
      await sql`UPDATE attachments SET size = ${length},
        linked_seq = (SELECT min(l.cable_seq) FROM cable_attachments l WHERE l.digest = attachments.digest),
        org = (SELECT min(d.org) FROM directory_entries d WHERE d.kind = 'device' AND d.subject = attachments.uploaded_by)`.execute(
        db,
      );
      // The quota sums and the sweep read the unlinked blobs by uploader, organisation and age.
      await db.schema
        .createIndex('attachments_unlinked_by_device')
        .on('attachments')
        .columns(['uploaded_by', 'linked_seq'])
        .execute();
      await db.schema
        .createIndex('attachments_unlinked_by_org')
        .on('attachments')
        .columns(['org', 'linked_seq'])
        .execute();
      await db.schema
        .createIndex('attachments_by_age')
        .on('attachments')
        .columns(['linked_seq', 'uploaded_at'])
        .execute();
    },
  };
}

/**
 * The enrolment binding (docs/design.md §5): the MAC the invitee's device made over its
 * public keys with the part of the invitation secret the server never sees. The server only
 * stores it for the officer's device to check; rows from before it have none.
 */
function enrolmentBinding(dialect: Dialect): Migration {
  const t = typesOf(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('enrolments').addColumn('binding', t.bytes).execute();
    },
  };
}

/**
 * The silence procedure (docs/design.md §2): the Presidency acts, each procedure act (keyed
 * by its cable, indexed by procedure), and the outcome recorded once per procedure (its
 * primary key makes a second verdict impossible).
 */
function silenceProcedure(dialect: Dialect): Migration {
  const t = typesOf(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('presidencies')
        .addColumn('issued_at', t.int, (c) => c.primaryKey())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('from_at', t.int, (c) => c.notNull())
        .addColumn('until_at', t.int, (c) => c.notNull())
        .addColumn('act', t.bytes, (c) => c.notNull())
        .addColumn('added_at', t.int, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('silence_acts')
        .addColumn('cable_id', 'text', (c) => c.primaryKey())
        .addColumn('procedure', 'text', (c) => c.notNull())
        .addColumn('act', 'text', (c) => c.notNull())
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('at', t.int, (c) => c.notNull())
        .addColumn('deadline', t.int)
        .execute();
      await db.schema
        .createIndex('silence_acts_by_procedure')
        .on('silence_acts')
        .column('procedure')
        .execute();
      await db.schema
        .createTable('silence_outcomes')
        .addColumn('procedure', 'text', (c) => c.primaryKey())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('at', t.int, (c) => c.notNull())
        .addColumn('leaf_index', t.int, (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * PostgreSQL checks a foreign key with a trigger that queries the parent once per inserted
 * row: for the hundreds of wraps of each cable that check cost the database about as much as
 * writing them (measured: 4.4 against 3.2 ms a cable of 300 wraps). The one writer of wraps
 * inserts them in the transaction that inserted their cable, with the seq that insert
 * returned (sql-cables.ts), and nothing deletes a cable, so the check guards nothing the code
 * does not. SQLite's check is one probe of the cables' primary key per row and stays; dropping
 * it would mean copying the whole table there.
 */
function wrapsWithoutCableCheck(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      if (dialect === 'postgres')
        await sql`ALTER TABLE wraps DROP CONSTRAINT wraps_cable_seq_fkey`.execute(db);
    },
  };
}

/** The migrations, by name in the order they run. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return {
        '0001-initial': initial(dialect),
        '0002-passkeys-and-sessions': passkeysAndSessions(dialect),
        '0003-merkle-log': merkleLog(dialect),
        '0004-attachments': attachments(dialect),
        '0005-watch': watch(dialect),
        '0006-attachment-owners': attachmentOwners(dialect),
        '0007-enrolment-binding': enrolmentBinding(dialect),
        '0008-watch-signals': watchSignals(dialect),
        '0009-silence-procedure': silenceProcedure(dialect),
        '0010-officer-acts': officerActs(dialect),
        '0011-delivery': delivery(dialect),
        '0012-cable-summaries': cableSummaries(dialect),
        '0013-wraps-without-cable-check': wrapsWithoutCableCheck(dialect),
      };
    },
  };
}
