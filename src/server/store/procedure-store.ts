/**
 * What the silence procedure keeps (docs/design.md §2), as one aggregate of the store: the
 * Presidency acts of the network authority, each procedure act (a cable, recorded in the
 * cable's own transaction, so an act and its `cable.accepted` event are never apart), the
 * log leaves a procedure's outcome is computed from, and the outcome recorded once.
 */

import type { LogLeaf } from './log-store.ts';
import type { AuditRecord } from './store.ts';

export interface StoredPresidency {
  readonly issuedAt: number;
  readonly org: string;
  readonly from: number;
  readonly until: number;
  /** The signed act, canonical JSON. */
  readonly act: Uint8Array;
}

/** One procedure act: what `NewCable.silence` carries into the accepting transaction. */
export interface SilenceActRecord {
  readonly cable: string;
  readonly procedure: string;
  readonly act: string;
  readonly org: string;
  readonly at: number;
  readonly deadline?: number;
}

export interface StoredOutcome {
  readonly procedure: string;
  /** The `silence.outcome` detail, canonical JSON. */
  readonly outcome: string;
  readonly at: number;
  readonly leaf: number;
}

export interface ProcedureLeavesQuery {
  /** The opening cable and the Presidency's organisation (the object of its fetch events). */
  readonly procedure: string;
  readonly org: string;
  /** Fetches and acknowledgements in [from, until) (Unix seconds). */
  readonly from: number;
  readonly until: number;
  /** Only leaves below this tree size (a checkpoint's). */
  readonly below: number;
}

export interface ProcedureStore {
  /** The newest Presidency act, if any. */
  presidency(): Promise<StoredPresidency | undefined>;
  /** Stores the act with its event; false when it is not newer than the one stored. */
  addPresidency(act: StoredPresidency, addedAt: number, audit: AuditRecord): Promise<boolean>;
  /** The procedure's acts in acceptance order (its opening first). */
  acts(procedure: string): Promise<SilenceActRecord[]>;
  /** The opening act of the procedure whose cable has this reference, if it is one. */
  opening(org: string, year: number, serial: number): Promise<SilenceActRecord | undefined>;
  /** The act a cable is, if it is one. */
  act(cable: string): Promise<SilenceActRecord | undefined>;
  /**
   * The log leaves the outcome rests on: the acts' `cable.accepted` events, and the fetches
   * and acknowledgements of the opening cable in the window (one per organisation is
   * enough, but every one is returned: the reader decides).
   */
  leaves(query: ProcedureLeavesQuery, acts: readonly SilenceActRecord[]): Promise<LogLeaf[]>;
  outcome(procedure: string): Promise<StoredOutcome | undefined>;
  /** Records the verdict with its event, once; false when one was recorded already. */
  recordOutcome(procedure: string, outcome: string, at: number, audit: AuditRecord): Promise<boolean>;
}
