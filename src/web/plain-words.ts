/**
 * A failure as a person reads it: what to do, in plain words. The server's own message and
 * the error's code stay out of the sentence and go under "details", for support.
 */
import { DeviceError } from './device-client.ts';

const ADVICE: { readonly [code: string]: string } = {
  SERVER_UNREACHABLE:
    'The Valise server cannot be reached. Check your connection; nothing you typed is lost.',
  SESSION_EXPIRED: 'Your session has ended. Sign in again with your passkey; your draft is kept.',
  SESSION_REQUIRED: 'Sign in with your passkey first.',
  DEVICE_PENDING: 'This browser waits for approval by your security officer.',
  ROOT_MISMATCH:
    'This server now serves another network than the one this browser was enrolled in (a demo node started afresh does this). Do not sign in here: ask your security officer, and if the network really was replaced, forget this device and enrol again with a new link.',
  STEP_UP_REQUIRED: 'This needs a fresh touch of your passkey.',
  RATE_LIMITED: 'Too many requests from this device; wait a moment and try again.',
  FORBIDDEN: 'You are not allowed to do this.',
  SENDER_NOT_CLEARED: 'Your clearance does not cover this classification.',
  CLASSIFICATION_REFUSED: 'This network or organisation may not hold that classification.',
};

export function plainWords(error: unknown): string {
  if (error instanceof DeviceError) {
    const advice = ADVICE[error.code];
    if (advice) return advice;
    const said = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    return /[.!?]$/.test(said) ? said : `${said}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The code and the server's words, for the "details" under a failure; none for other errors. */
export function errorDetails(error: unknown): string | undefined {
  return error instanceof DeviceError ? `${error.code}: ${error.message}` : undefined;
}

/** "1 cable", "3 cables", "2 entries": a count with its noun. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof DeviceError ? error.code : undefined;
}
