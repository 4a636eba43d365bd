/**
 * A leaf of the audit log, as clients read it: the canonical JSON of one audit event
 * `{ at, type, actor: { org?, user?, device? }, object: { kind, id, org? }, detail }`
 * (docs/api.md, "Audit events"). The leaf hashed into the tree is exactly those bytes
 * (RFC 9162 §2.1.1), so a client decodes what it hashed, never a second copy.
 */
import type { JsonValue } from '../encoding/canonical-json.ts';
import {
  type Decoder,
  decodeCanonical,
  type Infer,
  integer,
  object,
  optional,
  string,
} from '../encoding/decode.ts';
import { EncodingError } from '../encoding/encoding-error.ts';

/** Largest event accepted (events hold ids, codes and hashes: a few hundred bytes). */
export const MAX_EVENT_BYTES = 16 * 1024;

const text = (max: number) => string({ min: 1, max });

/** Any JSON object: the event's detail, whose fields depend on its type. */
const decodeDetail: Decoder<{ readonly [key: string]: JsonValue }> = (value, field) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EncodingError('WRONG_TYPE', field, `${field}: expected an object`);
  }
  return value as { readonly [key: string]: JsonValue };
};

export const decodeLogEvent = object({
  at: integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  type: text(64),
  actor: object({ org: optional(text(16)), user: optional(text(64)), device: optional(text(64)) }),
  object: object({ kind: text(32), id: text(128), org: optional(text(16)) }),
  detail: decodeDetail,
});
export type LogEvent = Infer<typeof decodeLogEvent>;

/** Decodes a leaf's bytes; throws EncodingError when they are not a canonical event. */
export function parseLogEvent(bytes: Uint8Array | string): LogEvent {
  return decodeCanonical(bytes, decodeLogEvent, { maxBytes: MAX_EVENT_BYTES, maxDepth: 8 });
}
