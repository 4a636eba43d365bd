/**
 * The tables as Kysely sees them. Byte columns are BLOB (SQLite) / BYTEA (PostgreSQL) and
 * come back as Buffers; times are whole Unix seconds; counters are 64-bit integers read as
 * JavaScript numbers (the PostgreSQL pool parses INT8 so).
 */
import type { Generated } from 'kysely';

export interface DirectoryEntriesTable {
  /** Position in the directory: entry `idx` is in force from epoch `idx + 1`. */
  idx: number;
  kind: string;
  org: string;
  /** The org, user or device id the entry is about (for a revocation: the revoked id). */
  subject: string;
  /** The signed entry, canonical JSON. */
  entry: Uint8Array;
  added_at: number;
  /** The audit-log leaf of the entry's `directory.entry` event (key transparency). */
  leaf_index: number | null;
}

export interface InvitationsTable {
  id: string;
  org: string;
  user_id: string;
  /** SHA-256 of the invitation secret; the secret itself is never stored. */
  secret_hash: Uint8Array;
  expires_at: number;
  created_at: number;
  created_by: string;
  used_at: number | null;
}

export interface EnrolmentsTable {
  device: string;
  invitation: string;
  org: string;
  user_id: string;
  label: string;
  signing_key: Uint8Array;
  kem_key: Uint8Array;
  created_at: number;
  /** The device's MAC over its keys (enrolment-binding.ts); null on rows from before it. */
  binding: Uint8Array | null;
  /** 'pending' until the device certificate is in the directory, then 'done'. */
  status: string;
}

export interface CablesTable {
  seq: Generated<number>;
  id: string;
  org: string;
  year: number;
  serial: number;
  sender_device: string;
  sender_user: string;
  /** The header's distribution, canonical JSON: what inbox roles and acknowledgements read. */
  distribution: string;
  header: Uint8Array;
  signature: Uint8Array;
  content: Uint8Array;
  /** Format 4's sealed summary (subject and tags); null before format 4. */
  summary: Uint8Array | null;
  hash: Uint8Array;
  classification: string;
  precedence: string;
  sent_at: number;
  accepted_at: number;
}

export interface WrapsTable {
  device: string;
  cable_seq: number;
  enc: Uint8Array;
  wrapped_key: Uint8Array;
}

export interface AttachmentsTable {
  /** SHA-256 of the ciphertext: the blob's address. */
  digest: Uint8Array;
  content: Uint8Array;
  uploaded_by: string;
  uploaded_at: number;
  /** The uploader's organisation (null only for a blob whose device the directory lacked). */
  org: string | null;
  /** The ciphertext's length in bytes: what the quotas count. */
  size: number | null;
  /** The one cable the blob is linked to; null until its uploader links it. */
  linked_seq: number | null;
}

export interface CableAttachmentsTable {
  cable_seq: number;
  digest: Uint8Array;
}

export interface AcksTable {
  cable_seq: number;
  org: string;
  user_id: string;
  device: string;
  at: number;
  /** The leaf of its `cable.acknowledged` event; null on rows from before it was kept. */
  leaf_index: number | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  at: number;
  type: string;
  /** The canonical event without its seq (the row's key); see audit-event.ts. */
  event: Uint8Array;
  /** Its position in the Merkle log: 0, 1, 2, … in commit order (store/merkle-appender.ts). */
  leaf_index: number | null;
  /** The event's actor.org and object.org, kept apart so an org's events are one index scan. */
  actor_org: string | null;
  object_org: string | null;
}

export interface NoncesTable {
  key_id: string;
  nonce: string;
  expires_at: number;
}

/** A passkey registered with a browser device at enrolment (src/server/web). */
export interface PasskeysTable {
  /** The WebAuthn credential id, base64url. */
  credential_id: string;
  /** The Valise device enrolled together with it: one passkey per browser device. */
  device: string;
  org: string;
  user_id: string;
  /** The COSE public key. */
  public_key: Uint8Array;
  counter: number;
  /** 'singleDevice' or 'multiDevice' (synced). */
  device_type: string;
  backed_up: number;
  /** Comma-separated WebAuthn transports. */
  transports: string;
  created_at: number;
}

/** A browser session; the id itself is never stored, only its SHA-256. */
export interface WebSessionsTable {
  id_hash: Uint8Array;
  device: string;
  org: string;
  user_id: string;
  credential_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end (created_at + 12 h). */
  expires_at: number;
  /** When the last step-up assertion was made, if any. */
  stepped_up_at: number | null;
  ended_at: number | null;
}

/** Outstanding WebAuthn challenges: single use, short-lived. */
export interface WebauthnChallengesTable {
  challenge: string;
  /** 'enrol', 'sign-in', 'step-up' or 'watch-step-up'. */
  purpose: string;
  /** The invitation (enrol) or the device (sign-in, step-ups) it was issued to. */
  subject: string;
  expires_at: number;
}

/** Every full-subtree hash of the audit log's tree (RFC 9162), written with its leaves. */
export interface MerkleNodesTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

/** The log's signed checkpoints (C2SP tlog-checkpoint), one per tree size. */
export interface CheckpointsTable {
  size: number;
  root: Uint8Array;
  /** The signed note: checkpoint text, blank line, the log's signature line. */
  note: string;
  signed_at: number;
}

/** Witness cosignatures (C2SP tlog-cosignature) on stored checkpoints. */
export interface CosignaturesTable {
  size: number;
  /** The witness: a registry device id. */
  witness: string;
  org: string;
  /** The signature line, newline included. */
  line: string;
  /** The time the witness states in its cosignature. */
  cosigned_at: number;
}

export interface WatchReadsTable {
  device: string;
  /** The device's count restarts in a new era (watch_devices.era). */
  era: number;
  /** The minute the reads fall in (Unix seconds, a multiple of 60). */
  bucket: number;
  reads: number;
}

export interface WatchDevicesTable {
  device: string;
  org: string;
  /** One of WATCH_STATES (watch-store.ts). */
  state: string;
  since: number;
  reason: string;
  era: number;
  alerted_at: number | null;
}

export interface WatchThresholdsTable {
  org: string;
  role: string;
  /** Canonical JSON of the decoded thresholds. */
  thresholds: string;
}

export interface WatchRequestsTable {
  device: string;
  /** The highest request sequence number seen (core/watch/sequence-window.ts). */
  seq_high: number;
  /** Which numbers below it were seen: the window's bits as lowercase hex. */
  seq_seen: string;
  two_origins_at: number | null;
}

export interface WatchOriginsTable {
  device: string;
  /** The network, `192.0.2.0/24` or `2001:db8:1::/48` (core/watch/watch-signals.ts). */
  prefix: string;
  first_seen: number;
  last_seen: number;
}

export interface WatchSignalsTable {
  device: string;
  era: number;
  at: number;
  /** One of SIGNAL_KINDS (core/watch/watch-signals.ts). */
  kind: string;
  weight: number;
}

/** The cables whose subjects a device has been served (counted once each). */
export interface WatchListedTable {
  device: string;
  cable_seq: number;
}

/** Subjects a device was served for the first time, per era and minute. */
export interface WatchListingsTable {
  device: string;
  era: number;
  bucket: number;
  listed: number;
}

export interface WatchOpenedTable {
  device: string;
  cable_seq: number;
}

export interface WatchCanariesTable {
  cable: string;
  cable_seq: number;
  org: string;
  /** Canonical JSON of the decoded targets `{ users, groups }`. */
  targets: string;
  planted_by: string;
  planted_at: number;
  reason: string;
  tripped_device: string | null;
  tripped_at: number | null;
}

export interface WatchHoursTable {
  org: string;
  /** Canonical JSON of the decoded working hours. */
  hours: string;
}

/** The Presidency acts the network authority signed, newest last (sql-procedures.ts). */
export interface PresidenciesTable {
  issued_at: number;
  org: string;
  from_at: number;
  until_at: number;
  /** The signed act in canonical JSON. */
  act: Uint8Array;
  added_at: number;
}

/** Each silence-procedure act, a cable, written in the cable's own transaction. */
export interface SilenceActsTable {
  cable_id: string;
  /** The opening cable's id (its own, for `open`). */
  procedure: string;
  act: string;
  org: string;
  /** When the server accepted it (its `cable.accepted` event's time). */
  at: number;
  deadline: number | null;
}

/** The verdict recorded at a procedure's deadline, with its `silence.outcome` leaf. */
export interface SilenceOutcomesTable {
  procedure: string;
  /** The event's detail, canonical JSON. */
  outcome: string;
  at: number;
  leaf_index: number;
}

/** An officer act from a command-line device, held as signed until a second officer decides (sql-officer-acts.ts). */
export interface HeldActsTable {
  id: string;
  org: string;
  kind: string;
  device: string;
  user_id: string;
  subject: string;
  /** The route's body as posted, canonical JSON. */
  body: Uint8Array;
  created_at: number;
  expires_at: number;
}

/** The one decision on a held act: `confirmed` (written with the act it applies) or `refused`. */
export interface ActDecisionsTable {
  act: string;
  outcome: string;
  device: string;
  user_id: string;
  reason: string | null;
  at: number;
}

/** The first fetch of a cable by a device of each organisation (delivery-migration.ts). */
export interface DeliveriesTable {
  cable_seq: number;
  org: string;
  device: string;
  at: number;
  /** The leaf of the fetch's `cable.fetched` event. */
  leaf_index: number;
}

/** Each (cable, action addressee) found overdue, once, with its `cable.overdue` leaf. */
export interface EscalationsTable {
  seq: Generated<number>;
  cable_seq: number;
  /** The addressee organisation that did not acknowledge in time. */
  org: string;
  sender_org: string;
  sender_user: string;
  due_at: number;
  at: number;
  leaf_index: number;
}

export interface Database {
  directory_entries: DirectoryEntriesTable;
  invitations: InvitationsTable;
  enrolments: EnrolmentsTable;
  cables: CablesTable;
  wraps: WrapsTable;
  acks: AcksTable;
  audit_events: AuditEventsTable;
  nonces: NoncesTable;
  passkeys: PasskeysTable;
  web_sessions: WebSessionsTable;
  webauthn_challenges: WebauthnChallengesTable;
  merkle_nodes: MerkleNodesTable;
  checkpoints: CheckpointsTable;
  cosignatures: CosignaturesTable;
  attachments: AttachmentsTable;
  cable_attachments: CableAttachmentsTable;
  watch_reads: WatchReadsTable;
  watch_devices: WatchDevicesTable;
  watch_thresholds: WatchThresholdsTable;
  watch_requests: WatchRequestsTable;
  watch_origins: WatchOriginsTable;
  watch_signals: WatchSignalsTable;
  watch_opened: WatchOpenedTable;
  watch_listed: WatchListedTable;
  watch_listings: WatchListingsTable;
  watch_canaries: WatchCanariesTable;
  watch_hours: WatchHoursTable;
  presidencies: PresidenciesTable;
  silence_acts: SilenceActsTable;
  silence_outcomes: SilenceOutcomesTable;
  held_acts: HeldActsTable;
  act_decisions: ActDecisionsTable;
  deliveries: DeliveriesTable;
  escalations: EscalationsTable;
}

export const TABLES = [
  'directory_entries',
  'invitations',
  'enrolments',
  'cables',
  'wraps',
  'acks',
  'audit_events',
  'nonces',
  'passkeys',
  'web_sessions',
  'webauthn_challenges',
  'merkle_nodes',
  'checkpoints',
  'cosignatures',
  'attachments',
  'cable_attachments',
  'watch_reads',
  'watch_devices',
  'watch_thresholds',
  'watch_requests',
  'watch_origins',
  'watch_signals',
  'watch_opened',
  'watch_listed',
  'watch_listings',
  'watch_canaries',
  'watch_hours',
  'presidencies',
  'silence_acts',
  'silence_outcomes',
  'held_acts',
  'act_decisions',
  'deliveries',
  'escalations',
] as const satisfies readonly (keyof Database)[];
export type TableName = (typeof TABLES)[number];
