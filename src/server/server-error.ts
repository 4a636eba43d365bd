/**
 * The one error of the HTTP layer: every refusal a client can cause has a stable code from
 * the API's closed list (core/api/error-codes.ts), which alone decides the status.
 */
import { type ErrorCode, isErrorCode } from '../core/api/error-codes.ts';
import type { JsonValue } from '../core/encoding/canonical-json.ts';
import { ValiseError } from '../core/valise-error.ts';

/** The codes the HTTP layer answers: the API's closed list (core/api/error-codes.ts). */
export type ServerErrorCode = ErrorCode;

export interface ServerErrorOptions {
  readonly cause?: unknown;
  /** The field at fault, for body and query errors (`cable.header.serial`). */
  readonly field?: string;
  /** Extra top-level members of the error body, e.g. `head` for SERIES_CONFLICT. */
  readonly extra?: { readonly [key: string]: JsonValue };
}

export class ServerError extends ValiseError {
  readonly code: ServerErrorCode;
  readonly field: string | undefined;
  readonly extra: { readonly [key: string]: JsonValue } | undefined;

  constructor(code: ServerErrorCode, message: string, options: ServerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.extra = options.extra;
  }
}

export const isServerErrorCode = isErrorCode;
