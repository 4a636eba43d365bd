/**
 * The one error of the command line itself: a wrong invocation (exit code 2) or local
 * input that cannot be read. Everything else a verb raises is the SDK's or core's typed
 * error and is shown with its own code.
 */
import { ValiseError } from '../core/valise-error.ts';

export const CLI_ERROR_CODES = [
  /** Unknown verb or option, missing or malformed argument. */
  'USAGE',
  /** A file or stdin given as input cannot be read. */
  'INPUT_FAILED',
  /** `serve` cannot start the server. */
  'SERVER_UNAVAILABLE',
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

export class CliError extends ValiseError {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
