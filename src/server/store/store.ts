/**
 * What the server keeps, as one interface with one SQL implementation over two dialects
 * (docs/design.md §7). Every act is written together with its audit event in one transaction: a
 * method that takes an `AuditRecord` commits both or neither. The store holds only what
 * the server may see: signed certificates, ciphertext, wraps, hashes, never a secret.
 *
 * Invariants the store itself enforces (so they hold whatever the caller does):
 * - an organisation's series is gapless per year and chained: a cable is inserted only if
 *   its serial is the year's head + 1 and its prev is the org's last cable's hash;
 * - an invitation is redeemed at most once (a conditional update in the transaction);
 * - the audit table is append-only, and every event is the next leaf of the Merkle log,
 *   written with its tree nodes in the same transaction (docs/design.md §8; see `log`).
 */
import type { Addressee } from '../../core/cable/cable-header.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { LogStore } from './log-store.ts';
import type { Dialect } from './migrations.ts';
import type { ActDecisionRecord, OfficerActStore } from './officer-act-store.ts';
import type { ProcedureStore, SilenceActRecord } from './procedure-store.ts';
import type { TableName } from './schema.ts';
import type { WatchStore } from './watch-store.ts';
import type { WebStore } from './web-store.ts';

/** One audit event ready to append: see `server/audit-event.ts` for its canonical form. */
/** A held officer act's confirmation, written with the act it applies (officer-act-store.ts). */
export interface ConfirmedAct {
  readonly decision: ActDecisionRecord;
  readonly audit: AuditRecord;
}

export interface AuditRecord {
  readonly at: number;
  readonly type: string;
  readonly event: Uint8Array;
}

/**
 * Puts a read on record before its content is released: resolves once the fetch event has
 * committed, throws to refuse the read. docs/design.md §8: there is no unlogged read.
 */
export type RecordRead = () => Promise<void>;

/** Puts a listing of subjects on record before it is served: as RecordRead, for the cables listed. */
export type RecordListing = (listed: readonly ListedSummary[]) => Promise<void>;

export interface StoredAuditEvent {
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly event: Uint8Array;
}

export interface DirectoryRow {
  readonly index: number;
  readonly kind: string;
  readonly org: string;
  readonly subject: string;
  /** The signed entry in canonical JSON. */
  readonly entry: Uint8Array;
}

export interface InvitationRecord {
  readonly id: string;
  readonly org: string;
  readonly user: string;
  readonly secretHash: Uint8Array;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly usedAt: number | undefined;
}

export const ENROLMENT_STATUSES = ['pending', 'done'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export interface EnrolmentRecord {
  readonly device: string;
  readonly invitation: string;
  readonly org: string;
  readonly user: string;
  readonly label: string;
  readonly signingKey: Uint8Array;
  readonly kemKey: Uint8Array;
  /** The device's MAC over its keys under the invitation's binding key (docs/design.md §5). */
  readonly binding: Uint8Array | undefined;
  readonly createdAt: number;
  readonly status: EnrolmentStatus;
}

export type RedeemOutcome = 'redeemed' | 'used' | 'device-exists';

/** An organisation's place in its series, for one year. */
export interface SeriesHead {
  readonly year: number;
  /** The last serial used in `year`, 0 when none. */
  readonly serial: number;
  /** The hash of the organisation's last cable (any year), null before its first. */
  readonly hash: Uint8Array | null;
  /** The year of the organisation's last cable, null before its first. */
  readonly lastYear: number | null;
}

export interface NewCable {
  readonly id: string;
  readonly org: string;
  readonly year: number;
  readonly serial: number;
  readonly prev: Uint8Array | undefined;
  readonly senderDevice: string;
  readonly senderUser: string;
  /** The header's distribution (kept apart so listing an inbox never re-reads headers). */
  readonly distribution: readonly Addressee[];
  /** The signed header in canonical JSON. */
  readonly header: Uint8Array;
  readonly signature: Uint8Array;
  readonly content: Uint8Array;
  /** Format 4's sealed summary, served when an inbox lists subjects. */
  readonly summary?: Uint8Array;
  /** `cableHash(header, signature)`. */
  readonly hash: Uint8Array;
  readonly classification: string;
  readonly precedence: string;
  readonly sentAt: number;
  readonly acceptedAt: number;
  /** Digests of uploaded attachments to link to the cable (checked by the caller). */
  readonly attachments?: readonly Uint8Array[];
  /** The silence-procedure act the cable is, recorded in its transaction (procedure-store.ts). */
  readonly silence?: SilenceActRecord;
}

export interface WrapRecord {
  readonly device: string;
  readonly enc: Uint8Array;
  readonly key: Uint8Array;
}

/** A stored cable without its content (which only a fetch reads). */
export interface CableRecord {
  readonly seq: number;
  readonly id: string;
  readonly org: string;
  readonly year: number;
  readonly serial: number;
  readonly senderDevice: string;
  readonly senderUser: string;
  readonly distribution: readonly Addressee[];
  readonly header: Uint8Array;
  readonly signature: Uint8Array;
  readonly hash: Uint8Array;
  readonly classification: string;
  readonly precedence: string;
  readonly sentAt: number;
  readonly acceptedAt: number;
}

export type AcceptOutcome =
  | { readonly kind: 'accepted'; readonly seq: number }
  | { readonly kind: 'exists'; readonly cable: CableRecord }
  | { readonly kind: 'conflict'; readonly head: SeriesHead }
  | { readonly kind: 'attachment-refused'; readonly refusal: AttachmentRefusal };

/** An encrypted attachment to store, with the quotas its uploader is held to. */
export interface NewAttachment {
  readonly digest: Uint8Array;
  readonly content: Uint8Array;
  /** The uploading device, and its organisation. */
  readonly device: string;
  readonly org: string;
  readonly at: number;
  readonly quota: {
    /** Most bytes of unlinked blobs one device may hold, and one organisation. */
    readonly deviceBytes: number;
    readonly orgBytes: number;
    /** Unlinked blobs uploaded before this instant have expired: they count for nothing. */
    readonly since: number;
  };
}

/** `created`; `exists` (the uploader's own blob again); `taken` (another device's blob). */
export type PutOutcome = 'created' | 'exists' | 'taken' | 'device-quota' | 'org-quota';

/** A blob the sweep removes, for its event. */
export interface ExpiredBlob {
  readonly digest: Uint8Array;
  readonly device: string;
  readonly org: string | undefined;
  readonly size: number;
}

/** Why a blob may not be linked to a cable: not stored (or expired), another device's, linked already. */
export interface AttachmentRefusal {
  readonly digest: Uint8Array;
  readonly reason: 'missing' | 'not-uploader' | 'linked';
}

export interface InboxQuery {
  readonly device: string;
  /** The device's organisation, whose acknowledgement counts. */
  readonly org: string;
  readonly limit: number;
  /** Only cables accepted before this one (a cable seq, from the cursor). */
  readonly before?: number;
  readonly precedence?: string;
  readonly classification?: string;
  readonly unacknowledged?: boolean;
  /** Only cables accepted at or after this time (Unix seconds). */
  readonly since?: number;
  /** Only cables accepted after this one (a cable seq): what is new since a stream's last message. */
  readonly after?: number;
}

export interface InboxRow {
  readonly cable: CableRecord;
  /** Whether the reading device's organisation acknowledged the cable. */
  readonly acknowledged: boolean;
  /** How many organisations acknowledged it (the sender's board, at a glance). */
  readonly acknowledgements: number;
}

export interface AckRecord {
  readonly org: string;
  readonly user: string;
  readonly device: string;
  readonly at: number;
  /** The leaf of its `cable.acknowledged` event (absent on rows from before it was kept). */
  readonly leaf?: number;
}

export interface FetchedCable {
  readonly content: Uint8Array;
  /** Format 4's sealed summary; absent before format 4. */
  readonly summary?: Uint8Array;
  readonly wrap: WrapRecord;
}

/** A cable's sealed summary with one device's wrap: what listing its subject serves. */
export interface ListedSummary {
  readonly seq: number;
  readonly id: string;
  readonly org: string;
  readonly summary: Uint8Array;
  readonly wrap: WrapRecord;
}

export interface Store {
  readonly dialect: Dialect;
  /** The verifiable audit log: leaves, tree nodes, checkpoints, cosignatures. */
  readonly log: LogStore;
  /** The browser's passkeys, challenges and sessions, on the same handle (web-store.ts). */
  readonly web: WebStore;
  /** What the watch keeps: read counts, device states, tuned thresholds (watch-store.ts). */
  readonly watch: WatchStore;
  /** The Presidency and the silence procedure's acts and outcomes (procedure-store.ts). */
  readonly procedures: ProcedureStore;
  /** Officer acts held for a second officer's confirmation (officer-act-store.ts). */
  readonly officerActs: OfficerActStore;
  /** First fetches per organisation and escalations by precedence (delivery-store.ts). */
  readonly deliveries: DeliveryStore;

  /** Directory entries from index `from`, in order. */
  directoryEntries(from: number): Promise<DirectoryRow[]>;
  /**
   * Appends an entry at `row.index` with its event; when `completes` names a pending
   * enrolment, marks it done in the same transaction. When `confirms` names a held officer
   * act, its decision and event are written in the same transaction too. False if the index
   * is already taken (another writer was first: reload and replay) or the act was decided.
   */
  appendDirectoryEntry(
    row: DirectoryRow,
    addedAt: number,
    audit: AuditRecord,
    completes?: string,
    confirms?: ConfirmedAct,
  ): Promise<boolean>;

  /** False if an invitation with this id exists, or the held act `confirms` names was decided. */
  createInvitation(
    invitation: InvitationRecord,
    audit: AuditRecord,
    confirms?: ConfirmedAct,
  ): Promise<boolean>;
  invitation(id: string): Promise<InvitationRecord | undefined>;
  /** Marks the invitation used and records the pending enrolment, atomically. */
  redeemInvitation(enrolment: EnrolmentRecord, audit: AuditRecord): Promise<RedeemOutcome>;
  enrolment(device: string): Promise<EnrolmentRecord | undefined>;
  enrolments(org: string, status?: EnrolmentStatus): Promise<EnrolmentRecord[]>;

  seriesHead(org: string, year: number): Promise<SeriesHead>;
  /** Cable, every wrap and the event in one transaction, if the series rule holds. */
  acceptCable(cable: NewCable, wraps: readonly WrapRecord[], audit: AuditRecord): Promise<AcceptOutcome>;
  cable(id: string): Promise<CableRecord | undefined>;
  /** The cable with reference `org/serial/yy` (`year` in full), if stored. */
  cableByReference(org: string, year: number, serial: number): Promise<CableRecord | undefined>;
  wrap(seq: number, device: string): Promise<WrapRecord | undefined>;
  /**
   * The content and `device`'s wrap, once `record` has put the read on record (it commits
   * the fetch event, and may refuse the read by throwing: see server/watch/meter-read.ts);
   * undefined, and `record` not called, when the device holds no wrap for the cable.
   */
  fetchCable(seq: number, device: string, record: RecordRead): Promise<FetchedCable | undefined>;
  inbox(query: InboxQuery): Promise<InboxRow[]>;
  /**
   * The sealed summaries of those of `ids` that `device` holds a wrap for and that have one
   * (format 4), in the order asked, once `record` has put the listing on record (it commits
   * the `cable.listed` event and may refuse by throwing: server/watch/meter-listing.ts);
   * empty, and `record` not called, when there is none to serve.
   */
  summaries(device: string, ids: readonly string[], record: RecordListing): Promise<ListedSummary[]>;

  /**
   * Stores an encrypted attachment under its digest with its `attachment.uploaded` event,
   * unless stored already or over a quota (sql-attachments.ts).
   */
  putAttachment(upload: NewAttachment, audit: AuditRecord): Promise<PutOutcome>;
  /**
   * Why `device` may not link each of `digests` to a cable now: not stored or unlinked
   * since before `since` (expired), uploaded by another device, or linked already.
   */
  refusedAttachments(
    digests: readonly Uint8Array[],
    device: string,
    since: number,
  ): Promise<AttachmentRefusal[]>;
  /** Removes unlinked blobs uploaded before `before`, each with the event `expired` makes; returns how many. */
  sweepAttachments(before: number, expired: (blob: ExpiredBlob) => AuditRecord): Promise<number>;
  /**
   * The blob `digest` linked to cable `seq`, once `record` has put the read on record (as for
   * fetchCable); undefined, and `record` not called, when the device holds no wrap for the
   * cable or the blob is not linked to it.
   */
  fetchAttachment(
    seq: number,
    device: string,
    digest: Uint8Array,
    record: RecordRead,
  ): Promise<Uint8Array | undefined>;

  /** Records the org's acknowledgement unless one exists; returns the one that stands. */
  acknowledge(seq: number, ack: AckRecord, audit: AuditRecord): Promise<{ created: boolean; ack: AckRecord }>;
  acks(seq: number): Promise<AckRecord[]>;

  /** Appends an event that is an act of its own (group-committed); resolves with its leaf index. */
  appendAudit(audit: AuditRecord): Promise<number>;
  auditEvents(after: number, limit: number): Promise<StoredAuditEvent[]>;

  /** NonceStore semantics (core/wire): true once per (key, nonce) until it expires. */
  consumeNonce(keyId: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;

  /** Row counts per table: for operators and for tests that check nothing was stored. */
  counts(): Promise<Record<TableName, number>>;
  close(): Promise<void>;
}
