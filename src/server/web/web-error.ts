/**
 * The refusals of browser sign-in: a ServerError whose code is one of the web codes of the
 * API's list (core/api/error-codes.ts gives their statuses and meanings), so the app's one
 * error handler sends them like every other refusal.
 */
import type { ErrorCode } from '../../core/api/error-codes.ts';
import { ServerError } from '../server-error.ts';

export const WEB_ERROR_CODES = [
  'ORIGIN_MISMATCH',
  'SESSION_REQUIRED',
  'SESSION_EXPIRED',
  'SESSION_DEVICE_MISMATCH',
  'STEP_UP_REQUIRED',
  'NO_PASSKEY',
  'CHALLENGE_INVALID',
  'PASSKEY_WRONG_ORIGIN',
  'PASSKEY_UNKNOWN',
  'USER_NOT_VERIFIED',
  'PASSKEY_SYNCED',
  'PASSKEY_CLONED',
  'PASSKEY_INVALID',
] as const satisfies readonly ErrorCode[];
export type WebErrorCode = (typeof WEB_ERROR_CODES)[number];

export class WebError extends ServerError {
  declare readonly code: WebErrorCode;

  constructor(code: WebErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options?.cause === undefined ? {} : { cause: options.cause });
  }
}
