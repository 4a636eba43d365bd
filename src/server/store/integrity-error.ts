/**
 * Stored data that reads back but does not verify: a directory row whose signature fails,
 * that does not decode, or a gap in the rows. This is tampering or corruption, not an
 * outage, so it is its own error (never a StoreError `UNAVAILABLE` that says "try again"),
 * and it names the row and the check that failed, so the operator knows where to look and a
 * security officer what was forged.
 */
import { ValiseError } from '../../core/valise-error.ts';

export const INTEGRITY_ERROR_CODES = [
  /** A row decodes but the directory's rules refuse it (its signature, issuer, subject…). */
  'DIRECTORY_ENTRY_INVALID',
  /** A row's bytes are not a signed entry at all. */
  'DIRECTORY_ENTRY_UNREADABLE',
  /** An index is missing from the run of rows. */
  'DIRECTORY_ENTRY_MISSING',
  /** The stored log is smaller than, or not an extension of, a checkpoint a witness cosigned. */
  'LOG_BEHIND_WITNESS',
] as const;
export type IntegrityErrorCode = (typeof INTEGRITY_ERROR_CODES)[number];

export interface IntegrityFinding {
  /** The table and the row's key. */
  readonly table: 'directory_entries' | 'audit_events';
  readonly row: number;
  /** What failed, e.g. `BAD_SIGNATURE` (a directory rejection reason) or `NOT_CANONICAL`. */
  readonly check: string;
}

export class IntegrityError extends ValiseError {
  readonly code: IntegrityErrorCode;
  readonly finding: IntegrityFinding;

  constructor(
    code: IntegrityErrorCode,
    finding: IntegrityFinding,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.finding = finding;
  }
}
