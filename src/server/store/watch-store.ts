/**
 * What the watch keeps (docs/design.md §9), as one aggregate of the store so every app
 * process over one database shares it and a restart loses nothing: each device's reads in
 * minute buckets, its watch state (active, held for an officer, suspended), and each organisation's tuned thresholds.
 *
 * A stop holds the device until an officer releases it. (A browser device that a passkey
 * touch could release itself, as the design has it for smaller excesses, is not built yet:
 * every device is held.)
 *
 * A read is metered in the transaction that puts it on record: the bucket is counted, the
 * totals assessed and the state changed before the fetch event commits, and the read is
 * served only after that commit. A crash can lose an unserved read's count in the safe
 * direction only (counted, not served); it can never serve a read past a limit.
 */

import {
  type Canary,
  type CanaryTargets,
  WATCH_STATES,
  type WatchState,
} from '../../core/api/watch-routes.ts';
import type { Role } from '../../core/encoding/identifiers.ts';
import type { ReadAssessment } from '../../core/watch/assess-reads.ts';
import type { ReadThresholds } from '../../core/watch/read-thresholds.ts';
import type { ReadBucket } from '../../core/watch/read-windows.ts';
import type { SignalKind } from '../../core/watch/watch-signals.ts';
import type { WorkingHours } from '../../core/watch/working-hours.ts';
import type { AuditRecord } from './store.ts';

/** A device's watch state (only an `active` device reads), as the API names it. */
export { WATCH_STATES, type WatchState };

/** What a read is: a cable's content, an attachment, or a listing of subjects. */
export const READ_KINDS = ['cable', 'attachment', 'listing'] as const;
export type ReadKind = (typeof READ_KINDS)[number];

export interface DeviceWatch {
  readonly device: string;
  readonly org: string;
  readonly state: WatchState;
  /** When the state was entered (Unix seconds). */
  readonly since: number;
  /** Why, in words for the person and the officer. */
  readonly reason: string;
}

/** One signal the watch saw (core/watch/watch-signals.ts), with what the officer is told. */
export interface SignalFinding {
  readonly kind: SignalKind;
  /** What it adds to the score; 0 for the strong signals, which stop the device at once. */
  readonly weight: number;
  readonly detail: Readonly<Record<string, string | number>>;
}

export interface MeteredRead {
  readonly device: string;
  readonly org: string;
  readonly role: Role;
  /** The device's user and that user's working groups (whom a canary watches). */
  readonly user: string;
  readonly groups: readonly string[];
  readonly at: number;
  readonly kind: ReadKind;
  /** The cable read (its content or an attachment of it). */
  readonly cable: { readonly id: string; readonly seq: number; readonly acceptedAt: number };
  /**
   * The audit events to write for this read once its outcome is known: the fetch event when
   * it is served, the watch's events when the state changes or officers are alerted.
   */
  readonly events: (outcome: ReadOutcome) => readonly AuditRecord[];
}

/**
 * A listing of subjects (format 4's sealed summaries) to put on record: counted once per
 * cable and device against the listing thresholds (core/watch/read-thresholds.ts). No
 * signal is scored: listing runs on its own whenever an inbox syncs, at any hour, so the
 * hours, archive and canary signals belong to opening a cable.
 */
export interface MeteredListing {
  readonly device: string;
  readonly org: string;
  readonly role: Role;
  readonly at: number;
  /** The cables (their seq) whose subjects are listed. */
  readonly cables: readonly number[];
  /** As for a read: the `cable.listed` event when served, the watch's events otherwise. */
  readonly events: (outcome: ReadOutcome) => readonly AuditRecord[];
}

/**
 * An authenticated request with its nonce still to take (core/wire/verify-request.ts's last
 * step): the nonce is taken first, in the transaction that observes the request, and the
 * request is observed only when the nonce was taken, so a replay is never observed.
 */
export interface SignedRequest extends ObservedRequest {
  readonly nonce: {
    readonly keyId: string;
    readonly nonce: string;
    readonly expiresAt: number;
    /** Unix seconds: an entry that expired before this is taken over. */
    readonly now: number;
  };
}

/** The nonce was used already (nothing observed), or taken with the request's outcome. */
export type SignedOutcome =
  | { readonly taken: false }
  | { readonly taken: true; readonly outcome: RequestOutcome };

/** A signal that moved or alerted: the finding and the device's score when it did. */
export interface SignalAlarm {
  readonly finding: SignalFinding;
  readonly score: number;
}

export type ReadOutcome =
  | {
      readonly served: true;
      readonly assessment: ReadAssessment;
      /** True when this read newly alerts the officers. */
      readonly alert: boolean;
      /** The signal the alert is about, when a signal (not the read count) raised it. */
      readonly signal?: SignalAlarm;
    }
  | {
      readonly served: false;
      readonly state: Exclude<WatchState, 'active'>;
      readonly reason: string;
      readonly since: number;
      /** True when this read moved the device into `state` (write the event once). */
      readonly changed: boolean;
      readonly assessment: ReadAssessment;
      /** The signal that stopped the device, when a signal (not the read count) did. */
      readonly signal?: SignalAlarm;
    };

/** A signed request the watch observes once it is authenticated (docs/design.md §9). */
export interface ObservedRequest {
  readonly device: string;
  readonly org: string;
  readonly at: number;
  /** The device's request sequence number, covered by its signature. */
  readonly sequence: number;
  /** The network the request came from (core/watch/watch-signals.ts originPrefix). */
  readonly origin: string;
  /** A held device may make this request (the passkey step-up that releases it). */
  readonly heldMayCall?: boolean;
  /** The watch's events for this request's outcome (none when nothing happened). */
  readonly events: (outcome: RequestOutcome) => readonly AuditRecord[];
}

export type RequestOutcome =
  | { readonly allowed: true; readonly alert?: SignalAlarm }
  | {
      readonly allowed: false;
      readonly state: Exclude<WatchState, 'active'>;
      readonly reason: string;
      readonly since: number;
      readonly changed: boolean;
      readonly signal?: SignalAlarm;
    };

/** A canary as the store keeps it. */
export interface CanaryRecord {
  readonly cable: string;
  readonly cableSeq: number;
  readonly org: string;
  readonly targets: CanaryTargets;
  readonly plantedBy: string;
  readonly plantedAt: number;
  readonly reason: string;
}

export type { Canary, WorkingHours };

export interface WatchStore {
  /** Counts and assesses one read in the transaction that records it; see the header. */
  meterRead(read: MeteredRead): Promise<ReadOutcome>;
  /** Counts and assesses a listing of subjects in the transaction that records it. */
  meterListing(listing: MeteredListing): Promise<ReadOutcome>;
  /** The device's watch state; undefined for a device never metered (active). */
  device(device: string): Promise<DeviceWatch | undefined>;
  /** The watched devices of `org`. */
  devices(org: string): Promise<DeviceWatch[]>;
  /**
   * Sets a device's state by an officer's act, with its audit event, in one transaction. A
   * release starts the device's count afresh: the reads that stopped it count no more.
   */
  setState(
    device: string,
    org: string,
    state: WatchState,
    at: number,
    reason: string,
    audit: AuditRecord,
  ): Promise<void>;
  /** The thresholds `org` tuned for `role`, if any. */
  thresholds(org: string, role: Role): Promise<ReadThresholds | undefined>;
  setThresholds(org: string, role: Role, thresholds: ReadThresholds, audit: AuditRecord): Promise<void>;
  /** The device's reads per bucket starting in [from, to), over all its eras. */
  buckets(device: string, from: number, to: number): Promise<ReadBucket[]>;
  /**
   * Takes a signed request's nonce and, when it was taken, observes the request (its sequence
   * number and origin) in one group-committed transaction that records any response, so
   * every app process shares one window per device and a request costs one durable commit.
   */
  observeSigned(request: SignedRequest): Promise<SignedOutcome>;
  /** Marks a cable as a canary, with its audit event; false if it already is one. */
  plantCanary(canary: CanaryRecord, audit: AuditRecord): Promise<boolean>;
  /** The canaries of `org`, oldest first. */
  canaries(org: string): Promise<Canary[]>;
  /** The working hours `org` set, if any. */
  hours(org: string): Promise<WorkingHours | undefined>;
  setHours(org: string, hours: WorkingHours, audit: AuditRecord): Promise<void>;
}
