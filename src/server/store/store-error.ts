/**
 * The one error of the store. `NOT_DURABLE` refuses to start on settings that could lose an
 * acknowledged write; `FATAL` is a write the disk could not make durable (the process must
 * stop, docs/design.md §7); `UNAVAILABLE` is any other database failure (the request fails with 503
 * and nothing is acknowledged); `CORRUPT` is stored data that cannot be read back;
 * `READ_ONLY` a write asked of a store opened read-only; `SCHEMA_OUTDATED` a read-only open
 * of a database whose migrations have not all run (a read-only audit never migrates).
 * Stored data that reads but does not verify is an IntegrityError, not a StoreError.
 */
import { ValiseError } from '../../core/valise-error.ts';

export const STORE_ERROR_CODES = [
  'NOT_DURABLE',
  'FATAL',
  'UNAVAILABLE',
  'CORRUPT',
  'READ_ONLY',
  'SCHEMA_OUTDATED',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends ValiseError {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
