/**
 * The one error of sealing and opening cables. The codes are in the order the cable's
 * checklist (`verifySealedCable`) and then `openCable` check them, so the code says exactly
 * which step failed first.
 */
import { EncodingError } from '../encoding/encoding-error.ts';
import { ValiseError } from '../valise-error.ts';

export const CABLE_ERROR_CODES = [
  /** The cable or one of its parts does not decode (the cause is an EncodingError). */
  'MALFORMED',
  /** The header names a suite or format version this build does not know. */
  'UNSUPPORTED_SUITE',
  /** The classification is above what the network or an organisation may hold. */
  'CLASSIFICATION_REFUSED',
  /** The sender's device is not in the directory at the cable's epoch. */
  'UNKNOWN_DEVICE',
  /** The sender's device, user or organisation was revoked by the cable's epoch. */
  'DEVICE_REVOKED',
  /** The sender's certificate chain does not lead to the pinned network root. */
  'CERTIFICATE_INVALID',
  /** The sender is not cleared for what it tried to send. */
  'SENDER_NOT_CLEARED',
  /** The sender device's signature over the header does not verify. */
  'SIGNATURE_INVALID',
  /** The content is not the one the header's digest commits to. */
  'CIPHERTEXT_MISMATCH',
  /** The wrapped device set differs from what policy entitles, in either direction. */
  'WRAPPED_SET_MISMATCH',
  /** This device is not among the cable's recipients, or its wrap is missing. */
  'NOT_A_RECIPIENT',
  /** This device's key wrap does not open (HPKE failure). */
  'WRAP_INVALID',
  /** The content does not decrypt under the unwrapped key (AEAD failure). */
  'DECRYPT_FAILED',
  /** Format 4: the sealed summary (what the inbox lists) differs from the content's subject or tags. */
  'SUMMARY_MISMATCH',
  /** The cable does not follow the last one seen from its organisation. */
  'SERIES_GAP',
  /** An attachment is corrupt, truncated, reordered or larger than allowed. */
  'ATTACHMENT_INVALID',
  /** A value is larger than the configured limit. */
  'TOO_LARGE',
] as const;
export type CableErrorCode = (typeof CABLE_ERROR_CODES)[number];

export class CableError extends ValiseError {
  readonly code: CableErrorCode;

  constructor(code: CableErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Runs a decoder; its EncodingError becomes the CableError 'MALFORMED' that keeps it as cause. */
export function decoded<T>(run: () => T): T {
  if (typeof run !== 'function') throw new CableError('MALFORMED', 'decoded() needs the decoder to run');
  try {
    return run();
  } catch (error) {
    if (error instanceof EncodingError) {
      throw new CableError('MALFORMED', error.message, { cause: error });
    }
    throw error;
  }
}
