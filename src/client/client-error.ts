/**
 * The one error of the client SDK. Two sources share it, so a caller branches on `code`
 * alone: the server's own `{ error: { code, message } }` answers (code kept verbatim, with the
 * HTTP status and any other fields of the answer, such as the `head` of a 409), and the
 * client's own checks listed in CLIENT_ERROR_CODES (key files, pinned root, directory sync,
 * receipts). Both sets are closed: a server's code is one of the API's list
 * (core/api/error-codes.ts), or the answer is BAD_RESPONSE.
 */
import type { ErrorCode } from '../core/api/error-codes.ts';
import type { JsonValue } from '../core/encoding/canonical-json.ts';
import { ValiseError } from '../core/valise-error.ts';

export const CLIENT_ERROR_CODES = [
  /** fetch failed: the server is down, the URL is wrong, or the network is. */
  'SERVER_UNREACHABLE',
  /** The server answered something that is not the documented shape. */
  'BAD_RESPONSE',
  /** No profile, key file or device where one is needed. */
  'NOT_CONFIGURED',
  /** A key file is readable by group or others, or not owned by this user. */
  'KEY_FILE_PERMISSIONS',
  /** A key file is not a Valise key file, or is corrupt. */
  'KEY_FILE_INVALID',
  /** Reading or writing a local file failed (disk full, no permission on the folder). */
  'LOCAL_IO_FAILED',
  /** The profile already holds what the command would create. */
  'PROFILE_IN_USE',
  /** The server names a network root other than the one pinned. */
  'ROOT_MISMATCH',
  /** The server's directory is shorter than one already seen. */
  'DIRECTORY_ROLLBACK',
  /** The server's directory differs from entries already seen. */
  'DIRECTORY_FORKED',
  /** An entry of the server's directory does not verify against the pinned root. */
  'DIRECTORY_INVALID',
  /** This device's keys are not (yet) certified in the directory. */
  'DEVICE_NOT_CERTIFIED',
  /** The server's receipt for a cable does not verify. */
  'RECEIPT_INVALID',
  /** The org's series kept moving while we re-signed: the retries ran out. */
  'SERIES_BUSY',
  /** An addressee organisation has nobody entitled to read the cable. */
  'UNDELIVERABLE',
  /** An invitation code is not `<invitation>.<secret>`. */
  'INVALID_CODE',
  /** A local lookup found nothing (a reference, a pending device, a user). */
  'NOT_FOUND',
  /** An argument is not valid (an id, a user, an option). */
  'INVALID_ARGUMENT',
  /** The local record of opened cables is corrupt or was written with another key. */
  'ARCHIVE_INVALID',
  /** A checkpoint of the audit log is not signed by the pinned log key, or names another log. */
  'LOG_UNSIGNED',
  /** The audit log is smaller than a checkpoint this device already saw. */
  'LOG_ROLLBACK',
  /** The audit log does not extend the checkpoint this device saw: history was rewritten or forked. */
  'LOG_FORKED',
  /** An entry or event came without a valid inclusion proof against the trusted checkpoint. */
  'LOG_PROOF_INVALID',
  /** This device is not a witness (an organisation's registry device). */
  'NOT_A_WITNESS',
  /** The witness refused the newest checkpoint (rollback, split view, …) and raised an alert. */
  'WITNESS_REFUSED',
  /** `valise audit verify` found the stored log differs from what was signed. */
  'AUDIT_FAILED',
  /** No binding key for a pending enrolment: this device did not issue its invitation. */
  'ENROLMENT_UNBOUND',
  /** A pending enrolment's keys are not the ones the invitee's device bound: they were swapped. */
  'ENROLMENT_TAMPERED',
  /** An approval needs the comparison code the invitee's device shows. */
  'COMPARISON_REQUIRED',
  /** The comparison code given is not the one of the pending enrolment's keys. */
  'COMPARISON_MISMATCH',
  /** The server's recorded silence-procedure outcome differs from the one the log proves. */
  'SILENCE_VERDICT_MISMATCH',
  /** The server's account of a silence procedure does not match its own proven log. */
  'PROCEDURE_INVALID',
  /** A key file's passphrase is wrong, or the encrypted file was altered. */
  'PASSPHRASE_WRONG',
  /** A key file is encrypted and no passphrase can be asked for (no terminal, none configured). */
  'PASSPHRASE_REQUIRED',
  /** A key file holds private keys in clear and its profile is not a declared service device. */
  'KEY_FILE_UNENCRYPTED',
  /** An organisation's signing request is malformed or its proof of possession does not verify. */
  'ORG_REQUEST_INVALID',
  /** A demo-only shortcut (an organisation key in a link) on a node that is not a demo. */
  'DEMO_ONLY',
  /** A directory change this act depends on is not yet cosigned by the witness quorum. */
  'WITNESSES_LAG',
  /** Events of the audit log's range were not served: deleted or withheld. */
  'LOG_INCOMPLETE',
  /**
   * The server holds the officer act until a second security officer of the organisation
   * confirms it (a command-line device's act, docs/design.md §5); `detail.held` names it.
   */
  'ACT_HELD',
  /** No key agent answers on the profile's socket (none started, stopped, or gone). */
  'AGENT_UNAVAILABLE',
  /** The key agent refused: another key file, its file changed, or it expired. */
  'AGENT_REFUSED',
  /** A key agent already runs for this profile. */
  'AGENT_RUNNING',
] as const;
export type LocalErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export interface ClientErrorOptions {
  readonly cause?: unknown;
  /** The HTTP status, for an answer of the server. */
  readonly status?: number;
  /** The other fields of the server's error answer (e.g. `{ head }` with SERIES_CONFLICT). */
  readonly detail?: { readonly [key: string]: JsonValue };
}

export class ClientError extends ValiseError {
  /** A LocalErrorCode, or the server's code verbatim. */
  readonly code: LocalErrorCode | ErrorCode;
  readonly status: number | undefined;
  readonly detail: { readonly [key: string]: JsonValue } | undefined;

  constructor(code: LocalErrorCode | ErrorCode, message: string, options: ClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.detail = options.detail;
  }
}
