/**
 * The one error of the store. `NOT_DURABLE` refuses to start on settings that could lose an
 * acknowledged write; `FATAL` is a write the disk could not make durable (the process must
 * stop, DESIGN §7); `UNAVAILABLE` is any other database failure (the request fails with 503
 * and nothing is acknowledged).
 */
import { ValiseError } from '../../core/valise-error.ts';

export const STORE_ERROR_CODES = ['NOT_DURABLE', 'FATAL', 'UNAVAILABLE', 'CORRUPT'] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends ValiseError {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
