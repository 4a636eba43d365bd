/**
 * The Store over Kysely, for SQLite and PostgreSQL alike (the SQL is the same; only
 * `open-sqlite.ts` / `open-postgres.ts` differ). It is the aggregates of the store on one
 * shared context (store-context.ts: one handle, one transaction boundary), each in its own
 * file: directory, enrolments, cables, inbox, acks, attachments, audit events, nonces, the
 * browser's passkeys and sessions (`web`), the watch's counts and states (`watch`), and the verifiable log (`log`). This class only
 * wires them and answers the Store interface.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './migrations.ts';
import type { Database, TableName } from './schema.ts';
import { TABLES } from './schema.ts';
import { SqlAcks } from './sql-acks.ts';
import { SqlAttachments } from './sql-attachments.ts';
import { SqlAuditEvents } from './sql-audit-events.ts';
import { SqlCables } from './sql-cables.ts';
import { SqlDeliveries } from './sql-deliveries.ts';
import { SqlDirectory } from './sql-directory.ts';
import { SqlEnrolments } from './sql-enrolments.ts';
import { SqlInbox } from './sql-inbox.ts';
import { type SqliteConnection, SqlLogStore } from './sql-log-store.ts';
import { SqlNonces } from './sql-nonces.ts';
import { SqlOfficerActs } from './sql-officer-acts.ts';
import { SqlProcedures } from './sql-procedures.ts';
import { SqlWatch } from './sql-watch.ts';
import { SqlWebStore } from './sql-web-store.ts';
import type {
  AcceptOutcome,
  AckRecord,
  AttachmentRefusal,
  AuditRecord,
  CableRecord,
  ConfirmedAct,
  DirectoryRow,
  EnrolmentRecord,
  EnrolmentStatus,
  ExpiredBlob,
  FetchedCable,
  InboxQuery,
  InboxRow,
  InvitationRecord,
  ListedSummary,
  NewAttachment,
  NewCable,
  PutOutcome,
  RecordListing,
  RecordRead,
  RedeemOutcome,
  SeriesHead,
  Store,
  StoredAuditEvent,
  WrapRecord,
} from './store.ts';
import { type CommitSync, StoreContext } from './store-context.ts';

export interface SqlStoreOptions {
  readonly dialect: Dialect;
  /** Called once when a write hits a disk error; main.ts exits the process (docs/design.md §7). */
  readonly onFatal: (error: unknown) => void;
  /** Close the underlying database too (the openers pass their own teardown). */
  readonly onClose?: () => Promise<void>;
  /** SQLite: the connection under Kysely, for the log's hot reads and the wraps insert. */
  readonly sqlite?: SqliteConnection;
  /** Refuse every write (an operator's audit opens the store so). */
  readonly readOnly?: boolean;
  /** SQLite: makes commits durable after COMMIT returns (wal-sync.ts). */
  readonly sync?: CommitSync;
}

export class SqlStore implements Store {
  readonly dialect: Dialect;
  readonly log: SqlLogStore;
  readonly web: SqlWebStore;
  readonly watch: SqlWatch;
  readonly procedures: SqlProcedures;
  readonly officerActs: SqlOfficerActs;
  readonly deliveries: SqlDeliveries;
  readonly #ctx: StoreContext;
  readonly #onClose: (() => Promise<void>) | undefined;
  readonly #directory: SqlDirectory;
  readonly #enrolments: SqlEnrolments;
  readonly #cables: SqlCables;
  readonly #inbox: SqlInbox;
  readonly #acks: SqlAcks;
  readonly #attachments: SqlAttachments;
  readonly #audit: SqlAuditEvents;
  readonly #nonces: SqlNonces;

  constructor(db: Kysely<Database>, options: SqlStoreOptions) {
    const ctx = new StoreContext(db, {
      dialect: options.dialect,
      onFatal: options.onFatal,
      readOnly: options.readOnly ?? false,
      ...(options.sync ? { sync: options.sync } : {}),
    });
    this.#ctx = ctx;
    this.dialect = options.dialect;
    this.#onClose = options.onClose;
    this.log = new SqlLogStore(db, {
      dialect: options.dialect,
      read: (work) => ctx.read(work),
      write: (work) => ctx.write(work),
      isDuplicate: (error) => ctx.isDuplicate(error),
      ...(options.sqlite ? { sqlite: options.sqlite } : {}),
    });
    this.web = new SqlWebStore(ctx);
    this.procedures = new SqlProcedures(ctx);
    this.officerActs = new SqlOfficerActs(ctx);
    this.deliveries = new SqlDeliveries(ctx);
    this.#directory = new SqlDirectory(ctx);
    this.#enrolments = new SqlEnrolments(ctx);
    this.#cables = new SqlCables(ctx, options.sqlite);
    this.#inbox = new SqlInbox(ctx);
    this.#acks = new SqlAcks(ctx);
    this.#attachments = new SqlAttachments(ctx);
    this.#audit = new SqlAuditEvents(ctx);
    this.#nonces = new SqlNonces(ctx);
    this.watch = new SqlWatch(ctx, this.#nonces);
  }

  directoryEntries(from: number): Promise<DirectoryRow[]> {
    return this.#directory.entries(from);
  }
  appendDirectoryEntry(
    row: DirectoryRow,
    addedAt: number,
    audit: AuditRecord,
    completes?: string,
    confirms?: ConfirmedAct,
  ): Promise<boolean> {
    return this.#directory.append(row, addedAt, audit, completes, confirms);
  }

  createInvitation(
    invitation: InvitationRecord,
    audit: AuditRecord,
    confirms?: ConfirmedAct,
  ): Promise<boolean> {
    return this.#enrolments.createInvitation(invitation, audit, confirms);
  }
  invitation(id: string): Promise<InvitationRecord | undefined> {
    return this.#enrolments.invitation(id);
  }
  redeemInvitation(enrolment: EnrolmentRecord, audit: AuditRecord): Promise<RedeemOutcome> {
    return this.#enrolments.redeem(enrolment, audit);
  }
  enrolment(device: string): Promise<EnrolmentRecord | undefined> {
    return this.#enrolments.enrolment(device);
  }
  enrolments(org: string, status?: EnrolmentStatus): Promise<EnrolmentRecord[]> {
    return this.#enrolments.enrolments(org, status);
  }

  seriesHead(org: string, year: number): Promise<SeriesHead> {
    return this.#cables.seriesHead(org, year);
  }
  acceptCable(cable: NewCable, wraps: readonly WrapRecord[], audit: AuditRecord): Promise<AcceptOutcome> {
    return this.#cables.accept(cable, wraps, audit);
  }
  cable(id: string): Promise<CableRecord | undefined> {
    return this.#cables.cable(id);
  }
  cableByReference(org: string, year: number, serial: number): Promise<CableRecord | undefined> {
    return this.#cables.byReference(org, year, serial);
  }
  wrap(seq: number, device: string): Promise<WrapRecord | undefined> {
    return this.#cables.wrap(seq, device);
  }
  fetchCable(seq: number, device: string, record: RecordRead): Promise<FetchedCable | undefined> {
    return this.#cables.fetch(seq, device, record);
  }
  inbox(query: InboxQuery): Promise<InboxRow[]> {
    return this.#inbox.page(query);
  }
  summaries(device: string, ids: readonly string[], record: RecordListing): Promise<ListedSummary[]> {
    return this.#inbox.summaries(device, ids, record);
  }

  putAttachment(upload: NewAttachment, audit: AuditRecord): Promise<PutOutcome> {
    return this.#attachments.put(upload, audit);
  }
  refusedAttachments(
    digests: readonly Uint8Array[],
    device: string,
    since: number,
  ): Promise<AttachmentRefusal[]> {
    return this.#attachments.refused(digests, device, since);
  }
  sweepAttachments(before: number, expired: (blob: ExpiredBlob) => AuditRecord): Promise<number> {
    return this.#attachments.sweep(before, expired);
  }
  fetchAttachment(
    seq: number,
    device: string,
    digest: Uint8Array,
    record: RecordRead,
  ): Promise<Uint8Array | undefined> {
    return this.#attachments.fetch(seq, device, digest, record);
  }

  acknowledge(
    seq: number,
    ack: AckRecord,
    audit: AuditRecord,
  ): Promise<{ created: boolean; ack: AckRecord }> {
    return this.#acks.acknowledge(seq, ack, audit);
  }
  acks(seq: number): Promise<AckRecord[]> {
    return this.#acks.acks(seq);
  }

  appendAudit(audit: AuditRecord): Promise<number> {
    return this.#audit.append(audit);
  }
  auditEvents(after: number, limit: number): Promise<StoredAuditEvent[]> {
    return this.#audit.after(after, limit);
  }

  consumeNonce(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return this.#nonces.consume(keyId, nonce, expiresAt, now);
  }

  counts(): Promise<Record<TableName, number>> {
    return this.#ctx.read(async (db) => {
      const out = {} as Record<TableName, number>;
      for (const table of TABLES) {
        const row = await db
          .selectFrom(table)
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow();
        out[table] = Number(row.n);
      }
      return out;
    });
  }

  async close(): Promise<void> {
    await this.#ctx.db.destroy();
    await this.#onClose?.();
  }
}
