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

import { WATCH_STATES, type WatchState } from '../../core/api/watch-routes.ts';
import type { Role } from '../../core/encoding/identifiers.ts';
import type { ReadAssessment } from '../../core/watch/assess-reads.ts';
import type { ReadThresholds } from '../../core/watch/read-thresholds.ts';
import type { ReadBucket } from '../../core/watch/read-windows.ts';
import type { AuditRecord } from './store.ts';

/** A device's watch state (only an `active` device reads), as the API names it. */
export { WATCH_STATES, type WatchState };

/** What a read is: a cable's content, an attachment, or a page of listed headers. */
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

export interface MeteredRead {
  readonly device: string;
  readonly org: string;
  readonly role: Role;
  readonly at: number;
  readonly kind: ReadKind;
  /**
   * The audit events to write for this read once its outcome is known: the fetch event when
   * it is served, the watch's events when the state changes or officers are alerted.
   */
  readonly events: (outcome: ReadOutcome) => readonly AuditRecord[];
}

export type ReadOutcome =
  | {
      readonly served: true;
      readonly assessment: ReadAssessment;
      /** True when this read newly alerts the officers. */
      readonly alert: boolean;
    }
  | {
      readonly served: false;
      readonly state: Exclude<WatchState, 'active'>;
      readonly reason: string;
      readonly since: number;
      /** True when this read moved the device into `state` (write the event once). */
      readonly changed: boolean;
      readonly assessment: ReadAssessment;
    };

export interface WatchStore {
  /** Counts and assesses one read in the transaction that records it; see the header. */
  meterRead(read: MeteredRead): Promise<ReadOutcome>;
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
}
