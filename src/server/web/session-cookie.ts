/**
 * The session cookie (docs/design.md §5): a random 32-byte id, HttpOnly (no script reads it), Secure,
 * SameSite=Strict (no other site's page sends it), Path=/, and the `__Host-` prefix so no
 * subdomain can set or shadow it. Browsers accept Secure cookies on http://localhost.
 * The cookie alone opens nothing: every request must also be signed by the device's key.
 */

import { sha256 } from '../../core/crypto/sha256.ts';
import { fromBase64url, randomBytes, toBase64url } from '../../core/encoding/bytes.ts';

export const SESSION_COOKIE = '__Host-valise-session';
const ID_BYTES = 32;

export interface NewSessionId {
  /** Goes to the browser only. */
  readonly cookieValue: string;
  /** What the store keeps. */
  readonly idHash: Uint8Array;
}

export function newSessionId(): NewSessionId {
  const id = randomBytes(ID_BYTES);
  return { cookieValue: toBase64url(id), idHash: sha256(id) };
}

/** The SHA-256 of the session id the request's cookie carries, if it carries a well-formed one. */
export function sessionIdHash(cookieHeader: string | undefined): Uint8Array | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const part of cookieHeader.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const id = fromBase64url(part.slice(at + 1).trim());
    return id?.length === ID_BYTES ? sha256(id) : undefined;
  }
  return undefined;
}

export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; Secure; SameSite=Strict`;
}

export function clearedSessionCookie(): string {
  return sessionCookie('', 0);
}
