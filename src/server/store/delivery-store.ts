/**
 * What the sender's delivery board and escalation by precedence keep (docs/design.md §2), as
 * one aggregate of the store: the first fetch of each cable by each organisation (written by
 * the watch's read commit, with the fetch event), and each escalation, once per cable and
 * addressee whatever the number of app processes (a unique key, not a lock in one process).
 */
import type { AckRecord, AuditRecord, CableRecord } from './store.ts';

export interface DeliveryRecord {
  readonly org: string;
  readonly device: string;
  readonly at: number;
  /** The leaf of its `cable.fetched` event. */
  readonly leaf: number;
}

export interface NewEscalation {
  readonly cableSeq: number;
  /** The action addressee that did not acknowledge in time. */
  readonly org: string;
  readonly senderOrg: string;
  readonly senderUser: string;
  readonly dueAt: number;
  readonly at: number;
}

export interface EscalationRecord extends NewEscalation {
  readonly seq: number;
  readonly leaf: number;
}

/** A cable the escalation job looks at, with what already settles each addressee. */
export interface EscalationCandidate {
  readonly cable: CableRecord;
  readonly acks: readonly AckRecord[];
  readonly escalated: readonly string[];
}

export interface CandidateQuery {
  /** Precedences that escalate. */
  readonly precedences: readonly string[];
  /** Cables accepted in [acceptedFrom, acceptedTo]. */
  readonly acceptedFrom: number;
  readonly acceptedTo: number;
  /** Only cables after this one (a cable seq): pages of the scan. */
  readonly after: number;
  readonly limit: number;
}

/** One notice a device's live inbox carries: an escalation with its cable's names. */
export interface OverdueNotice extends EscalationRecord {
  readonly cable: string;
  readonly reference: string;
  readonly precedence: string;
}

export interface NoticeQuery {
  readonly org: string;
  readonly user: string;
  /** A registry device hears of its organisation's overdue cables, both ways. */
  readonly registry: boolean;
  /** Only escalations after this one (a seq). */
  readonly after: number;
  readonly limit: number;
}

export interface DeliveryStore {
  /** The first fetch by each organisation of cable `cableSeq`. */
  deliveries(cableSeq: number): Promise<DeliveryRecord[]>;
  escalations(cableSeq: number): Promise<EscalationRecord[]>;
  /** Cables the job should look at, oldest first. */
  candidates(query: CandidateQuery): Promise<EscalationCandidate[]>;
  /** Records the escalation with its event; false when it was recorded already (by any process). */
  escalate(escalation: NewEscalation, audit: AuditRecord): Promise<boolean>;
  /**
   * Escalations a device hears of: those of its organisation's cables when it is the sender
   * or a registry device, and those of cables its organisation is overdue on when it is a
   * registry device.
   */
  notices(query: NoticeQuery): Promise<OverdueNotice[]>;
  /** The newest escalation's seq (0 when none): where a new stream starts. */
  lastNotice(): Promise<number>;
  /**
   * The leaf of an acknowledgement stored before its leaf was kept: its `cable.acknowledged`
   * event, found by the organisation, the second and the cable.
   */
  ackLeaf(cable: { readonly id: string; readonly org: string }, ack: AckRecord): Promise<number | undefined>;
}
