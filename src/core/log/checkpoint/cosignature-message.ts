/**
 * The message an Ed25519 witness signs (C2SP tlog-cosignature, cosignature/v1): the header
 * line `cosignature/v1`, the line `time <POSIX seconds>`, then the whole checkpoint note
 * text. The header is the domain separation from plain note signatures.
 */
import { concatBytes, utf8 } from '../../encoding/bytes.ts';

export const TIMESTAMP_SIZE = 8;

export function cosignatureMessage(timestamp: number, text: Uint8Array): Uint8Array {
  // C2SP tlog-cosignature: the timestamp is ASCII decimal with no leading zeroes.
  return concatBytes(utf8(`cosignature/v1\ntime ${timestamp.toString(10)}\n`), text);
}

/** The 8-byte big-endian encoding of a safe-integer timestamp (RFC 8446 §3.3 u64). */
export function timestampBytes(timestamp: number): Uint8Array {
  const out = new Uint8Array(TIMESTAMP_SIZE);
  let value = BigInt(timestamp);
  for (let i = TIMESTAMP_SIZE - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}
