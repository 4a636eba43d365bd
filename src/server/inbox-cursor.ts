/**
 * The inbox paging cursor: opaque to clients (base64url), a cable sequence number inside.
 * Paging by key, not offset, so a page costs the same at the end of a 10,000-cable inbox
 * as at its start, and new arrivals never shift a page.
 */
import { fromBase64url, fromUtf8, toBase64url, utf8 } from '../core/encoding/bytes.ts';
import type { Decoder } from '../core/encoding/decode.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';

const FORMAT = /^c1\.([1-9][0-9]{0,15})$/;

export function encodeCursor(seq: number): string {
  return toBase64url(utf8(`c1.${seq}`));
}

export const decodeCursor: Decoder<number> = (value, field) => {
  const bytes = typeof value === 'string' && value.length <= 32 ? fromBase64url(value) : undefined;
  const text = bytes ? fromUtf8(bytes) : undefined;
  const match = text === undefined ? null : FORMAT.exec(text);
  const seq = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new EncodingError(
      'INVALID_VALUE',
      field,
      `${field}: not a cursor this server gave; start from the first page`,
    );
  }
  return seq;
};
