/**
 * A cable as an inbox lists it with subjects (format 4): the signed header, the sealed
 * summary and the reading device's own wrap, without the body. Enough to check who signed
 * it and to decrypt the subject and tags (open-cable-summary.ts); the body is fetched, and
 * logged, only when the cable is opened. Built by `decodeListedCable`, never by casting.
 */

import type { Decoder } from '../encoding/decode.ts';
import { bytes, object } from '../encoding/decode.ts';
import { EncodingError } from '../encoding/encoding-error.ts';
import { decodeEd25519Signature } from '../encoding/identifiers.ts';
import type { CableHeader } from './cable-header.ts';
import { decodeCableHeader } from './cable-header.ts';
import { MAX_SUMMARY_BYTES } from './cable-summary.ts';
import type { KeyWrap } from './sealed-cable.ts';
import { decodeKeyWrap } from './sealed-cable.ts';

export interface ListedCable {
  readonly kind: 'ListedCable';
  readonly header: CableHeader;
  readonly signature: Uint8Array;
  readonly summary: Uint8Array;
  /** The reading device's wrap of the content key. */
  readonly wrap: KeyWrap;
}

const decodeShape = object({
  header: decodeCableHeader,
  signature: decodeEd25519Signature,
  summary: bytes({ min: 1, max: MAX_SUMMARY_BYTES }),
  wrap: decodeKeyWrap,
});

export const decodeListedCable: Decoder<ListedCable> = (value, field) => {
  if (typeof field !== 'string') {
    throw new EncodingError('WRONG_TYPE', '', 'field: expected a path such as "item" (a string)');
  }
  return Object.freeze({ kind: 'ListedCable', ...decodeShape(value, field) });
};
