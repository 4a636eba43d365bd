/**
 * Standard base64 with padding (RFC 4648 §4), the encoding of signed notes and checkpoints.
 * Decoding accepts only the one canonical encoding of some bytes (right padding, zero spare
 * bits, no whitespace), so two different notes never carry the same signature bytes.
 */
import { fromBase64url, toBase64url } from '../../encoding/bytes.ts';

export function toBase64(bytes: Uint8Array): string {
  const url = toBase64url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

export function fromBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0) return undefined;
  const body = text.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(body)) return undefined;
  // RFC 4648 §4: the padding is exactly what completes the last quantum.
  if (body.length % 4 === 1) return undefined;
  return fromBase64url(body.replace(/\+/g, '-').replace(/\//g, '_'));
}
