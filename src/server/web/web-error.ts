/**
 * The refusals of browser sign-in, with their statuses, in one place. They are sent in the
 * API's error shape (`{ error: { code, message } }`); the server's closed ServerError set is
 * left as it is, and these codes sit beside it.
 */
import type { FastifyReply } from 'fastify';
import { ValiseError } from '../../core/valise-error.ts';

const STATUS = {
  /** A state-changing request from another origin than the node's. */
  ORIGIN_MISMATCH: 403,
  /** A browser device's request without a live session. */
  SESSION_REQUIRED: 401,
  /** The session ended: idle, past 12 h, signed out, or its device revoked. */
  SESSION_EXPIRED: 401,
  /** The session cookie belongs to another device than the one that signed. */
  SESSION_DEVICE_MISMATCH: 401,
  /** The act needs a fresh passkey assertion first. */
  STEP_UP_REQUIRED: 403,
  /** The device was not enrolled in a browser: it has no passkey. */
  NO_PASSKEY: 403,
  /** The challenge is unknown, used, expired or for another purpose or device. */
  CHALLENGE_INVALID: 401,
  /** The assertion or attestation was made on another origin (a look-alike site). */
  PASSKEY_WRONG_ORIGIN: 401,
  /** The passkey is not the one this device enrolled with. */
  PASSKEY_UNKNOWN: 401,
  /** The authenticator did not verify the user (PIN, biometrics). */
  USER_NOT_VERIFIED: 401,
  /** The network demands AAL3 and the passkey is synced (multiDevice). */
  PASSKEY_SYNCED: 403,
  /** The signature counter did not grow: the authenticator may have been cloned. */
  PASSKEY_CLONED: 401,
  /** The response does not verify. */
  PASSKEY_INVALID: 401,
} as const;

export type WebErrorCode = keyof typeof STATUS;

export class WebError extends ValiseError {
  readonly code: WebErrorCode;

  constructor(code: WebErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function sendWebError(reply: FastifyReply, error: WebError): FastifyReply {
  return reply
    .status(error.status)
    .type('application/json; charset=utf-8')
    .send({ error: { code: error.code, message: error.message } });
}
