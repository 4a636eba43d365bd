/**
 * The Store over Kysely, for SQLite and PostgreSQL alike (the SQL is the same; only
 * `open-sqlite.ts` / `open-postgres.ts` differ). Every write runs in one transaction; a
 * write that fails because the disk could not take it calls `onFatal` and the store
 * refuses every later write, so nothing is ever acknowledged after a lost fsync.
 *
 * Every audit event is a leaf of the Merkle log (DESIGN §8), appended with its tree nodes
 * in the transaction of the act it records (merkle-appender.ts). Events that are acts of
 * their own (a refusal, a sign-in, a fetch) are group-committed: concurrent ones share one
 * durable transaction.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { MAX_ADDRESSEES } from '../../core/cable/cable-header.ts';
import { ADDRESSEE_ROLES } from '../../core/cable/precedence.ts';
import { constantTimeEqual, toHex } from '../../core/encoding/bytes.ts';
import { canonicalize } from '../../core/encoding/canonical-json.ts';
import { array, decodeCanonical, enumOf, object } from '../../core/encoding/decode.ts';
import { decodeOrgId } from '../../core/encoding/identifiers.ts';
import { toJsonValue } from '../../core/encoding/to-json.ts';
import type { CompactRange } from '../../core/log/merkle/compact-range.ts';
import { isFatalWriteError, isUniqueViolation } from './fatal-write-error.ts';
import { GroupCommit } from './group-commit.ts';
import { MerkleAppender } from './merkle-appender.ts';
import type { Dialect } from './migrations.ts';
import type { Database, TableName } from './schema.ts';
import { TABLES } from './schema.ts';
import { type SqliteConnection, SqlLogStore } from './sql-log-store.ts';
import type {
  AcceptOutcome,
  AckRecord,
  AuditRecord,
  CableRecord,
  DirectoryRow,
  EnrolmentRecord,
  EnrolmentStatus,
  FetchedCable,
  InboxQuery,
  InboxRow,
  InvitationRecord,
  NewCable,
  RedeemOutcome,
  SeriesHead,
  Store,
  StoredAuditEvent,
  WrapRecord,
} from './store.ts';
import { StoreError } from './store-error.ts';

export interface SqlStoreOptions {
  readonly dialect: Dialect;

  /** Called once when a write hits a disk error; main.ts exits the process (DESIGN §7). */
  readonly onFatal: (error: unknown) => void;
  /** Close the underlying database too (the openers pass their own teardown). */
  readonly onClose?: () => Promise<void>;
  /** SQLite: the connection under Kysely, for the log's hot reads (sql-log-store.ts). */
  readonly sqlite?: SqliteConnection;
}

/** Rows per INSERT for wraps: stays under SQLite's 32,766 bound parameters. */
const WRAP_BATCH = 1000;
/** Expired nonces are swept at most this often (seconds). */
const NONCE_SWEEP_SECONDS = 30;
/** Most events one group commit writes. */
const AUDIT_BATCH = 5000;

type Trx = Transaction<Database>;

const CABLE_COLUMNS = [
  'c.seq',
  'c.id',
  'c.org',
  'c.year',
  'c.serial',
  'c.sender_device',
  'c.sender_user',
  'c.distribution',
  'c.header',
  'c.signature',
  'c.hash',
  'c.classification',
  'c.precedence',
  'c.sent_at',
  'c.accepted_at',
] as const;

const decodeDistribution = array(object({ org: decodeOrgId, role: enumOf(ADDRESSEE_ROLES) }), {
  min: 1,
  max: MAX_ADDRESSEES,
});

/** A plain Uint8Array view of a driver's Buffer, so values compare and print alike. */
function bytesOf(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** better-sqlite3 binds Buffers only; pg accepts them too. A view, not a copy. */
function blob(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

interface CableRow {
  seq: number;
  id: string;
  org: string;
  year: number;
  serial: number;
  sender_device: string;
  sender_user: string;
  distribution: string;
  header: Uint8Array;
  signature: Uint8Array;
  hash: Uint8Array;
  classification: string;
  precedence: string;
  sent_at: number;
  accepted_at: number;
}

function cableOf(row: CableRow): CableRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    org: row.org,
    year: Number(row.year),
    serial: Number(row.serial),
    senderDevice: row.sender_device,
    senderUser: row.sender_user,
    distribution: decodeCanonical(row.distribution, decodeDistribution),
    header: bytesOf(row.header),
    signature: bytesOf(row.signature),
    hash: bytesOf(row.hash),
    classification: row.classification,
    precedence: row.precedence,
    sentAt: Number(row.sent_at),
    acceptedAt: Number(row.accepted_at),
  };
}

export class SqlStore implements Store {
  readonly dialect: Dialect;
  readonly log: SqlLogStore;
  readonly #db: Kysely<Database>;
  readonly #onFatal: (error: unknown) => void;
  readonly #onClose: (() => Promise<void>) | undefined;
  readonly #appender: MerkleAppender;
  readonly #events: GroupCommit<AuditRecord, number>;
  /** The tree each open transaction appended to, installed once it commits. */
  readonly #appended = new WeakMap<Trx, CompactRange>();
  #failed: unknown;
  #lastNonceSweep = Number.NEGATIVE_INFINITY;

  constructor(db: Kysely<Database>, options: SqlStoreOptions) {
    this.#db = db;
    this.dialect = options.dialect;
    this.#onFatal = options.onFatal;
    this.#onClose = options.onClose;
    this.#appender = new MerkleAppender(options.dialect);
    this.#events = new GroupCommit((batch) => this.#write((trx) => this.#auditAll(trx, batch)), AUDIT_BATCH);
    this.log = new SqlLogStore(db, {
      read: (work) => this.#read(work),
      write: (work) => this.#write(work),
      isDuplicate: (error) =>
        error instanceof StoreError && error.code === 'UNAVAILABLE' && isUniqueViolation(error.cause),
      ...(options.sqlite ? { sqlite: options.sqlite } : {}),
    });
  }

  // -------------------------------------------------------------------------------------
  // Transactions and failure

  /** Runs `work` in one transaction; maps driver errors to StoreError (see module header). */
  async #write<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    if (this.#failed !== undefined) {
      throw new StoreError('FATAL', 'the store stopped after a disk error; restart the server', {
        cause: this.#failed,
      });
    }
    let appended: Trx | undefined;
    let result: T;
    try {
      result = await this.#db.transaction().execute((trx) => {
        appended = trx;
        return work(trx);
      });
    } catch (error) {
      throw this.#classify(error);
    }
    // Committed: the tree this transaction grew is now the log's.
    const range = appended && this.#appended.get(appended);
    if (range) this.#appender.committed(range);
    return result;
  }

  async #read<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.#classify(error);
    }
  }

  #classify(error: unknown): unknown {
    if (error instanceof StoreError) return error;
    if (isFatalWriteError(error)) {
      if (this.#failed === undefined) {
        this.#failed = error;
        this.#onFatal(error);
      }
      return new StoreError('FATAL', 'the database could not make a write durable; the server stops', {
        cause: error,
      });
    }
    return new StoreError('UNAVAILABLE', 'the database failed; try again', { cause: error });
  }

  /** Appends the event as the log's next leaf, in `trx`; returns its leaf index. */
  async #audit(trx: Trx, audit: AuditRecord): Promise<number> {
    const [leaf] = await this.#auditAll(trx, [audit]);
    return leaf!;
  }

  async #auditAll(trx: Trx, audits: readonly AuditRecord[]): Promise<readonly number[]> {
    if (this.#appended.has(trx)) throw new StoreError('UNAVAILABLE', 'one log append per transaction');
    const { leaves, range } = await this.#appender.append(trx, audits);
    this.#appended.set(trx, range);
    return leaves;
  }

  // -------------------------------------------------------------------------------------
  // Directory

  directoryEntries(from: number): Promise<DirectoryRow[]> {
    return this.#read(async () => {
      const rows = await this.#db
        .selectFrom('directory_entries')
        .select(['idx', 'kind', 'org', 'subject', 'entry'])
        .where('idx', '>=', from)
        .orderBy('idx')
        .execute();
      return rows.map((r) => ({
        index: Number(r.idx),
        kind: r.kind,
        org: r.org,
        subject: r.subject,
        entry: bytesOf(r.entry),
      }));
    });
  }

  async appendDirectoryEntry(
    row: DirectoryRow,
    addedAt: number,
    audit: AuditRecord,
    completes?: string,
  ): Promise<boolean> {
    try {
      await this.#write(async (trx) => {
        // Key transparency (DESIGN §8): the entry records the leaf of its event. The event
        // goes first so its leaf is known; a lost race on the index rolls both back.
        const leaf = await this.#audit(trx, audit);
        await trx
          .insertInto('directory_entries')
          .values({
            idx: row.index,
            kind: row.kind,
            org: row.org,
            subject: row.subject,
            entry: blob(row.entry),
            added_at: addedAt,
            leaf_index: leaf,
          })
          .execute();
        if (completes !== undefined) {
          await trx
            .updateTable('enrolments')
            .set({ status: 'done' })
            .where('device', '=', completes)
            .where('status', '=', 'pending')
            .execute();
        }
      });
      return true;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'UNAVAILABLE' && isUniqueViolation(error.cause)) {
        return false;
      }
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------
  // Invitations and enrolments

  async createInvitation(invitation: InvitationRecord, audit: AuditRecord): Promise<boolean> {
    try {
      await this.#write(async (trx) => {
        await trx
          .insertInto('invitations')
          .values({
            id: invitation.id,
            org: invitation.org,
            user_id: invitation.user,
            secret_hash: blob(invitation.secretHash),
            expires_at: invitation.expiresAt,
            created_at: invitation.createdAt,
            created_by: invitation.createdBy,
            used_at: null,
          })
          .execute();
        await this.#audit(trx, audit);
      });
      return true;
    } catch (error) {
      if (error instanceof StoreError && error.code === 'UNAVAILABLE' && isUniqueViolation(error.cause)) {
        return false;
      }
      throw error;
    }
  }

  invitation(id: string): Promise<InvitationRecord | undefined> {
    return this.#read(async () => {
      const row = await this.#db
        .selectFrom('invitations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        org: row.org,
        user: row.user_id,
        secretHash: bytesOf(row.secret_hash),
        expiresAt: Number(row.expires_at),
        createdAt: Number(row.created_at),
        createdBy: row.created_by,
        usedAt: row.used_at === null ? undefined : Number(row.used_at),
      };
    });
  }

  redeemInvitation(enrolment: EnrolmentRecord, audit: AuditRecord): Promise<RedeemOutcome> {
    return this.#write(async (trx) => {
      const taken = await trx
        .selectFrom('enrolments')
        .select('device')
        .where('device', '=', enrolment.device)
        .executeTakeFirst();
      if (taken) return 'device-exists';
      // Single use, decided by the database: only the first transaction finds used_at NULL.
      const used = await trx
        .updateTable('invitations')
        .set({ used_at: enrolment.createdAt })
        .where('id', '=', enrolment.invitation)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) return 'used';
      await trx
        .insertInto('enrolments')
        .values({
          device: enrolment.device,
          invitation: enrolment.invitation,
          org: enrolment.org,
          user_id: enrolment.user,
          label: enrolment.label,
          signing_key: blob(enrolment.signingKey),
          kem_key: blob(enrolment.kemKey),
          created_at: enrolment.createdAt,
          status: enrolment.status,
        })
        .execute();
      await this.#audit(trx, audit);
      return 'redeemed';
    });
  }

  enrolment(device: string): Promise<EnrolmentRecord | undefined> {
    return this.#read(async () => {
      const row = await this.#db
        .selectFrom('enrolments')
        .selectAll()
        .where('device', '=', device)
        .executeTakeFirst();
      return row ? enrolmentOf(row) : undefined;
    });
  }

  enrolments(org: string, status?: EnrolmentStatus): Promise<EnrolmentRecord[]> {
    return this.#read(async () => {
      let query = this.#db.selectFrom('enrolments').selectAll().where('org', '=', org);
      if (status !== undefined) query = query.where('status', '=', status);
      const rows = await query.orderBy('created_at').orderBy('device').execute();
      return rows.map(enrolmentOf);
    });
  }

  // -------------------------------------------------------------------------------------
  // Cables

  seriesHead(org: string, year: number): Promise<SeriesHead> {
    return this.#read(() => this.#seriesHead(this.#db, org, year));
  }

  async #seriesHead(db: Kysely<Database>, org: string, year: number): Promise<SeriesHead> {
    // Both lookups walk the UNIQUE (org, year, serial) index from its top.
    const last = await db
      .selectFrom('cables')
      .select(['year', 'serial', 'hash'])
      .where('org', '=', org)
      .orderBy('year', 'desc')
      .orderBy('serial', 'desc')
      .limit(1)
      .executeTakeFirst();
    const inYear =
      last && Number(last.year) === year
        ? Number(last.serial)
        : Number(
            (
              await db
                .selectFrom('cables')
                .select('serial')
                .where('org', '=', org)
                .where('year', '=', year)
                .orderBy('serial', 'desc')
                .limit(1)
                .executeTakeFirst()
            )?.serial ?? 0,
          );
    return {
      year,
      serial: inYear,
      hash: last ? bytesOf(last.hash) : null,
      lastYear: last ? Number(last.year) : null,
    };
  }

  async acceptCable(
    cable: NewCable,
    wraps: readonly WrapRecord[],
    audit: AuditRecord,
  ): Promise<AcceptOutcome> {
    // A unique violation means a concurrent writer won a race we could not see (another
    // app process on PostgreSQL); running again reports what it wrote.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#write((trx) => this.#acceptIn(trx, cable, wraps, audit));
      } catch (error) {
        const retry =
          attempt < 2 &&
          error instanceof StoreError &&
          error.code === 'UNAVAILABLE' &&
          isUniqueViolation(error.cause);
        if (!retry) throw error;
      }
    }
  }

  async #acceptIn(
    trx: Trx,
    cable: NewCable,
    wraps: readonly WrapRecord[],
    audit: AuditRecord,
  ): Promise<AcceptOutcome> {
    const existing = await trx
      .selectFrom('cables as c')
      .select(CABLE_COLUMNS)
      .where('c.id', '=', cable.id)
      .executeTakeFirst();
    if (existing) return { kind: 'exists', cable: cableOf(existing) };

    // The series rule (DESIGN §4): next serial of the year, chained to the org's last cable,
    // and never back into an earlier year.
    const head = await this.#seriesHead(trx, cable.org, cable.year);
    const prevOk =
      head.hash === null
        ? cable.prev === undefined
        : cable.prev !== undefined && constantTimeEqual(cable.prev, head.hash);
    const yearOk = head.lastYear === null || cable.year >= head.lastYear;
    if (!yearOk || cable.serial !== head.serial + 1 || !prevOk) return { kind: 'conflict', head };

    const inserted = await trx
      .insertInto('cables')
      .values({
        id: cable.id,
        org: cable.org,
        year: cable.year,
        serial: cable.serial,
        sender_device: cable.senderDevice,
        sender_user: cable.senderUser,
        distribution: canonicalize(toJsonValue(cable.distribution)),
        header: blob(cable.header),
        signature: blob(cable.signature),
        content: blob(cable.content),
        hash: blob(cable.hash),
        classification: cable.classification,
        precedence: cable.precedence,
        sent_at: cable.sentAt,
        accepted_at: cable.acceptedAt,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    const seq = Number(inserted.seq);
    for (let i = 0; i < wraps.length; i += WRAP_BATCH) {
      await trx
        .insertInto('wraps')
        .values(
          wraps.slice(i, i + WRAP_BATCH).map((w) => ({
            device: w.device,
            cable_seq: seq,
            enc: blob(w.enc),
            wrapped_key: blob(w.key),
          })),
        )
        .execute();
    }
    const linked = [...new Map((cable.attachments ?? []).map((d) => [toHex(d), d])).values()];
    if (linked.length > 0) {
      await trx
        .insertInto('cable_attachments')
        .values(linked.map((d) => ({ cable_seq: seq, digest: blob(d) })))
        .execute();
    }
    await this.#audit(trx, audit);
    return { kind: 'accepted', seq };
  }

  cable(id: string): Promise<CableRecord | undefined> {
    return this.#read(async () => {
      const row = await this.#db
        .selectFrom('cables as c')
        .select(CABLE_COLUMNS)
        .where('c.id', '=', id)
        .executeTakeFirst();
      return row ? cableOf(row) : undefined;
    });
  }

  wrap(seq: number, device: string): Promise<WrapRecord | undefined> {
    return this.#read(async () => {
      const row = await this.#db
        .selectFrom('wraps')
        .select(['device', 'enc', 'wrapped_key'])
        .where('device', '=', device)
        .where('cable_seq', '=', seq)
        .executeTakeFirst();
      return row ? { device: row.device, enc: bytesOf(row.enc), key: bytesOf(row.wrapped_key) } : undefined;
    });
  }

  async fetchCable(seq: number, device: string, audit: AuditRecord): Promise<FetchedCable | undefined> {
    // Cables and wraps are never changed once stored, so they are read outside the write.
    const found = await this.#read(async () => {
      const wrap = await this.#db
        .selectFrom('wraps')
        .select(['device', 'enc', 'wrapped_key'])
        .where('device', '=', device)
        .where('cable_seq', '=', seq)
        .executeTakeFirst();
      if (!wrap) return undefined;
      const row = await this.#db
        .selectFrom('cables')
        .select('content')
        .where('seq', '=', seq)
        .executeTakeFirstOrThrow();
      return { wrap, content: row.content };
    });
    if (!found) return undefined;
    // DESIGN §8: the read is on record (group-committed with other events) before a byte
    // of ciphertext leaves.
    await this.appendAudit(audit);
    const { wrap, content } = found;
    return {
      content: bytesOf(content),
      wrap: { device: wrap.device, enc: bytesOf(wrap.enc), key: bytesOf(wrap.wrapped_key) },
    };
  }

  putAttachment(digest: Uint8Array, content: Uint8Array, uploadedBy: string, at: number): Promise<boolean> {
    return this.#write(async (trx) => {
      const inserted = await trx
        .insertInto('attachments')
        .values({ digest: blob(digest), content: blob(content), uploaded_by: uploadedBy, uploaded_at: at })
        .onConflict((oc) => oc.column('digest').doNothing())
        .returning('digest')
        .executeTakeFirst();
      return inserted !== undefined;
    });
  }

  missingAttachments(digests: readonly Uint8Array[]): Promise<Uint8Array[]> {
    return this.#read(async () => {
      const missing: Uint8Array[] = [];
      for (const digest of digests) {
        const row = await this.#db
          .selectFrom('attachments')
          .select('digest')
          .where('digest', '=', blob(digest))
          .executeTakeFirst();
        if (!row) missing.push(digest);
      }
      return missing;
    });
  }

  async fetchAttachment(
    seq: number,
    device: string,
    digest: Uint8Array,
    audit: AuditRecord,
  ): Promise<Uint8Array | undefined> {
    // Blobs, links and wraps never change once stored, so they are read outside the write.
    const found = await this.#read(async () => {
      const row = await this.#db
        .selectFrom('cable_attachments as l')
        .innerJoin('wraps as w', 'w.cable_seq', 'l.cable_seq')
        .innerJoin('attachments as a', 'a.digest', 'l.digest')
        .select('a.content')
        .where('l.cable_seq', '=', seq)
        .where('l.digest', '=', blob(digest))
        .where('w.device', '=', device)
        .executeTakeFirst();
      return row?.content;
    });
    if (found === undefined) return undefined;
    // DESIGN §8: the read is on record before a byte of ciphertext leaves.
    await this.appendAudit(audit);
    return bytesOf(found);
  }

  inbox(query: InboxQuery): Promise<InboxRow[]> {
    return this.#read(async () => {
      // One range scan of wraps (device, cable_seq), newest first, joined to cables by key.
      let q = this.#db
        .selectFrom('wraps as w')
        .innerJoin('cables as c', 'c.seq', 'w.cable_seq')
        .select(CABLE_COLUMNS)
        .select(
          sql<boolean>`exists (select 1 from acks a where a.cable_seq = c.seq and a.org = ${query.org})`.as(
            'acknowledged',
          ),
        )
        .where('w.device', '=', query.device);
      if (query.before !== undefined) q = q.where('w.cable_seq', '<', query.before);
      if (query.precedence !== undefined) q = q.where('c.precedence', '=', query.precedence);
      if (query.classification !== undefined) q = q.where('c.classification', '=', query.classification);
      if (query.since !== undefined) q = q.where('c.accepted_at', '>=', query.since);
      if (query.unacknowledged === true) {
        q = q.where(
          sql<boolean>`not exists (select 1 from acks a where a.cable_seq = c.seq and a.org = ${query.org})`,
        );
      }
      const rows = await q.orderBy('w.cable_seq', 'desc').limit(query.limit).execute();
      return rows.map((row) => ({ cable: cableOf(row), acknowledged: Boolean(row.acknowledged) }));
    });
  }

  // -------------------------------------------------------------------------------------
  // Acknowledgements

  async acknowledge(
    seq: number,
    ack: AckRecord,
    audit: AuditRecord,
  ): Promise<{ created: boolean; ack: AckRecord }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#write(async (trx) => {
          const existing = await trx
            .selectFrom('acks')
            .select(['org', 'user_id', 'device', 'at'])
            .where('cable_seq', '=', seq)
            .where('org', '=', ack.org)
            .executeTakeFirst();
          if (existing) return { created: false, ack: ackOf(existing) };
          await trx
            .insertInto('acks')
            .values({ cable_seq: seq, org: ack.org, user_id: ack.user, device: ack.device, at: ack.at })
            .execute();
          await this.#audit(trx, audit);
          return { created: true, ack };
        });
      } catch (error) {
        const retry =
          attempt < 2 &&
          error instanceof StoreError &&
          error.code === 'UNAVAILABLE' &&
          isUniqueViolation(error.cause);
        if (!retry) throw error;
      }
    }
  }

  acks(seq: number): Promise<AckRecord[]> {
    return this.#read(async () => {
      const rows = await this.#db
        .selectFrom('acks')
        .select(['org', 'user_id', 'device', 'at'])
        .where('cable_seq', '=', seq)
        .orderBy('org')
        .execute();
      return rows.map(ackOf);
    });
  }

  // -------------------------------------------------------------------------------------
  // Audit and nonces

  /** Group-committed (see the module header); resolves with the event's leaf index once durable. */
  appendAudit(audit: AuditRecord): Promise<number> {
    return this.#events.submit(audit);
  }

  auditEvents(after: number, limit: number): Promise<StoredAuditEvent[]> {
    return this.#read(async () => {
      const rows = await this.#db
        .selectFrom('audit_events')
        .select(['seq', 'at', 'type', 'event'])
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        seq: Number(r.seq),
        at: Number(r.at),
        type: r.type,
        event: bytesOf(r.event),
      }));
    });
  }

  async consumeNonce(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    if (now - this.#lastNonceSweep >= NONCE_SWEEP_SECONDS) {
      this.#lastNonceSweep = now;
      await this.#write((trx) => trx.deleteFrom('nonces').where('expires_at', '<', now).execute());
    }
    // Insert, or take over an expired entry; a live entry makes this a no-op (0 rows).
    const result = await this.#write((trx) =>
      trx
        .insertInto('nonces')
        .values({ key_id: keyId, nonce, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(['key_id', 'nonce'])
            .doUpdateSet({ expires_at: expiresAt })
            .where('nonces.expires_at', '<', now),
        )
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  // -------------------------------------------------------------------------------------

  counts(): Promise<Record<TableName, number>> {
    return this.#read(async () => {
      const out = {} as Record<TableName, number>;
      for (const table of TABLES) {
        const row = await this.#db
          .selectFrom(table)
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow();
        out[table] = Number(row.n);
      }
      return out;
    });
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    await this.#onClose?.();
  }
}

function enrolmentOf(row: {
  device: string;
  invitation: string;
  org: string;
  user_id: string;
  label: string;
  signing_key: Uint8Array;
  kem_key: Uint8Array;
  created_at: number;
  status: string;
}): EnrolmentRecord {
  return {
    device: row.device,
    invitation: row.invitation,
    org: row.org,
    user: row.user_id,
    label: row.label,
    signingKey: bytesOf(row.signing_key),
    kemKey: bytesOf(row.kem_key),
    createdAt: Number(row.created_at),
    status: row.status === 'done' ? 'done' : 'pending',
  };
}

function ackOf(row: { org: string; user_id: string; device: string; at: number }): AckRecord {
  return { org: row.org, user: row.user_id, device: row.device, at: Number(row.at) };
}
