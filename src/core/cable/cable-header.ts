/**
 * The cable header: everything a recipient, the server and policy may read in clear. The
 * sender device signs its canonical encoding. Two parts:
 * - the envelope, fixed when the cable is sealed (who, to whom, how classified, which
 *   directory epoch). Its hash is the associated data of the content and every key wrap.
 * - the series position (serial, previous-cable hash) and the digests of what was sealed.
 *   When two devices of one organisation race for a serial, the loser re-signs with a new
 *   position without sealing again (docs/design.md §4), which is why the position stays out of the
 *   envelope and the wraps bind the cable id, never the serial.
 */

import { isBytes } from '../crypto/hpke/input-checks.ts';
import { LABELS } from '../crypto/labels.ts';
import { sha256 } from '../crypto/sha256.ts';
import { concatBytes, toBase64url, utf8 } from '../encoding/bytes.ts';
import { encodeCanonical, type JsonValue } from '../encoding/canonical-json.ts';
import { MAX_TIME, MIN_TIME } from '../encoding/date-time-group.ts';
import type { Decoder } from '../encoding/decode.ts';
import { array, enumOf, integer, object, optional, string } from '../encoding/decode.ts';
import { childField, EncodingError } from '../encoding/encoding-error.ts';
import {
  decodeCableId,
  decodeDeviceId,
  decodeDigest,
  decodeGroup,
  decodeOrgId,
  decodeUserId,
} from '../encoding/identifiers.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import { requireSorted } from '../identity/certificate.ts';
import type { Classification, Marking } from '../identity/classification.ts';
import { CLASSIFICATIONS, MARKINGS } from '../identity/classification.ts';
import type { AddresseeRole, Precedence } from './precedence.ts';
import { ADDRESSEE_ROLES, PRECEDENCES } from './precedence.ts';
import { decodeReference, MAX_SERIAL } from './reference.ts';

/** The suites this build can open. A new suite is added here; none is ever changed. */
export const SUITES = ['valise-v1/x-wing/hkdf-sha256/aes-256-gcm'] as const;
export type Suite = (typeof SUITES)[number];
export const CURRENT_SUITE: Suite = SUITES[0];
/**
 * The format versions this build opens, and the ones it seals. Version 2 leaves the
 * directory epoch out of the envelope hash (`envelopeHash`), so a cable refused for a stale
 * epoch is re-wrapped and re-signed for the current one without encrypting its content again.
 * Version 3 is version 2 plus the optional `silence` field (the procedure act a cable is,
 * docs/design.md §2); until version 4, a header without it was written as version 2. Version 4 is version 3 plus the sealed summary (the subject and
 * tags, encrypted apart so an inbox can list them without the body: cable-summary.ts); its
 * header commits to the summary's ciphertext by `summaryHash`, and every cable is sealed as
 * version 4, silence act or not. `v` is inside every signed and hashed value, so a header of
 * one version can never be read as another.
 */
export const FORMAT_VERSIONS = [1, 2, 3, 4] as const;
export const FORMAT_VERSION = 4;
/** The first version whose header may carry a silence-procedure act. */
export const SILENCE_FORMAT_VERSION = 3;
/** The first version with a sealed summary; every header of it commits to one. */
export const SUMMARY_FORMAT_VERSION = 4;

/**
 * The silence-procedure acts a cable can be (docs/design.md §2), in the header so the server
 * can hold each to the procedure's rules and deadline without reading the content:
 * `open` (the Presidency circulates a text with `silenceDeadline`), `extend` (a new, later
 * `silenceDeadline`), `withdraw`, and `object` (a participant breaks silence); all but `open`
 * reply to the procedure's cable.
 */
export const SILENCE_ACTS = ['open', 'extend', 'withdraw', 'object'] as const;
export type SilenceAct = (typeof SILENCE_ACTS)[number];

export const MAX_ADDRESSEES = 64;
export const MAX_GROUPS = 16;
export const MAX_RECIPIENTS = 10_000;
/** Content ciphertext limit (the body and descriptors; attachments travel apart). */
export const MAX_CONTENT_BYTES = 4 * 1024 * 1024;

export interface Addressee {
  readonly org: string;
  readonly role: AddresseeRole;
}

export interface CableEnvelope {
  /** Format version; a reader refuses versions it does not know (UNSUPPORTED_SUITE). */
  readonly v: number;
  /** Cipher suite id; decoded as any well-formed id so a reader can say it is unsupported. */
  readonly suite: string;
  readonly id: string;
  readonly org: string;
  readonly sender: { readonly user: string; readonly device: string };
  /** Unix seconds; rendered as a date-time group. */
  readonly sentAt: number;
  readonly classification: Classification;
  readonly markings: readonly Marking[];
  readonly precedence: Precedence;
  /** Addressee organisations, sorted by org, each once. */
  readonly distribution: readonly Addressee[];
  /** Working groups (need-to-know), sorted; empty means the whole of each addressee org. */
  readonly groups: readonly string[];
  readonly replyTo?: string;
  /** Silence procedure: adopted at this instant (Unix seconds) unless silence is broken. */
  readonly silenceDeadline?: number;
  /** Format 3: the silence-procedure act this cable is. */
  readonly silence?: SilenceAct;
  /** The directory epoch the sender computed the recipients at. */
  readonly epoch: number;
}

export interface CableHeader extends CableEnvelope {
  /** Gapless per organisation and year; the reference is `org/serial/yy`. */
  readonly serial: number;
  /** Hash of the organisation's previous cable; absent only for its very first. */
  readonly prev?: Uint8Array;
  readonly contentHash: Uint8Array;
  readonly contentLength: number;
  /** Format 4: SHA-256 of the sealed summary (subject and tags), so no one can swap it. */
  readonly summaryHash?: Uint8Array;
  /** Every device that holds a wrap, sorted. */
  readonly recipients: readonly string[];
}

const decodeTime = integer({ min: MIN_TIME, max: MAX_TIME });

const decodeAddressee: Decoder<Addressee> = object({ org: decodeOrgId, role: enumOf(ADDRESSEE_ROLES) });

const ENVELOPE_SHAPE = {
  v: integer({ min: 1, max: 255 }),
  suite: string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9./-]*$/ }),
  id: decodeCableId,
  org: decodeOrgId,
  sender: object({ user: decodeUserId, device: decodeDeviceId }),
  sentAt: decodeTime,
  classification: enumOf(CLASSIFICATIONS),
  markings: array(enumOf(MARKINGS), { max: MARKINGS.length, unique: true }),
  precedence: enumOf(PRECEDENCES),
  distribution: array(decodeAddressee, { min: 1, max: MAX_ADDRESSEES }),
  groups: array(decodeGroup, { max: MAX_GROUPS, unique: true }),
  replyTo: optional(decodeReference),
  silenceDeadline: optional(decodeTime),
  silence: optional(enumOf(SILENCE_ACTS)),
  epoch: integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
};

const decodeHeaderShape = object({
  ...ENVELOPE_SHAPE,
  serial: integer({ min: 1, max: MAX_SERIAL }),
  prev: optional(decodeDigest),
  contentHash: decodeDigest,
  contentLength: integer({ min: 1, max: MAX_CONTENT_BYTES }),
  summaryHash: optional(decodeDigest),
  recipients: array(decodeDeviceId, { min: 1, max: MAX_RECIPIENTS }),
});

/** The rules that cross fields, shared by the envelope and header decoders. */
function checkEnvelope(h: CableEnvelope, field: string): void {
  const at = (name: string) => childField(field, name);
  requireSorted(
    h.distribution.map((d) => d.org),
    at('distribution'),
  );
  requireSorted(h.groups, at('groups'));
  let previous: number | undefined;
  for (const marking of h.markings) {
    const rank = MARKINGS.indexOf(marking);
    if (previous !== undefined && previous >= rank) {
      throw new EncodingError(
        'NOT_CANONICAL',
        at('markings'),
        `${at('markings')} must follow the order ${MARKINGS.join(', ')}`,
      );
    }
    previous = rank;
  }
  // docs/design.md §2: LIMITE is a distribution marking for unclassified papers only.
  if (h.markings.includes('LIMITE') && h.classification !== 'UNCLASSIFIED') {
    throw new EncodingError(
      'INVALID_VALUE',
      at('markings'),
      'LIMITE marks UNCLASSIFIED cables only; classify the cable or drop the marking',
    );
  }
  if (h.silenceDeadline !== undefined && h.silenceDeadline <= h.sentAt) {
    throw new EncodingError(
      'OUT_OF_RANGE',
      at('silenceDeadline'),
      'the silence deadline must be after the date-time group',
    );
  }
  checkSilenceAct(h, at);
}

/** Format 3's rules for the `silence` field (docs/design.md §2, "Silence procedure"). */
function checkSilenceAct(h: CableEnvelope, at: (name: string) => string): void {
  if (h.silence === undefined) return;
  const refuse = (name: string, message: string) => {
    throw new EncodingError('INVALID_VALUE', at(name), message);
  };
  if (h.v < SILENCE_FORMAT_VERSION) refuse('silence', 'a silence-procedure act needs format version 3');
  const needsDeadline = h.silence === 'open' || h.silence === 'extend';
  if (needsDeadline && h.silenceDeadline === undefined) {
    refuse('silenceDeadline', `a silence ${h.silence} cable needs a silenceDeadline`);
  }
  if (!needsDeadline && h.silenceDeadline !== undefined) {
    refuse('silenceDeadline', `a silence ${h.silence} cable carries no silenceDeadline`);
  }
  if (h.silence !== 'open' && h.replyTo === undefined) {
    refuse('replyTo', `a silence ${h.silence} cable replies to the procedure's cable`);
  }
}

export const decodeCableEnvelope: Decoder<CableEnvelope> = (value, field) => {
  requireField(field);
  const envelope = object(ENVELOPE_SHAPE)(value, field) as CableEnvelope;
  checkEnvelope(envelope, field);
  return envelope;
};

/**
 * The headers `decodeCableHeader` built. Such a header is frozen all the way down to its byte
 * arrays (whose lengths cannot change), so checking it again would find what the decoder
 * found: the encoders below skip that second pass over its hundreds of recipients. A brand,
 * like a class's private field: it holds no state anyone reads otherwise.
 */
const DECODED_HEADERS = new WeakSet<CableHeader>();

export const decodeCableHeader: Decoder<CableHeader> = (value, field) => {
  requireField(field);
  const header = decodeHeaderShape(value, field) as CableHeader;
  checkEnvelope(header, field);
  requireSorted(header.recipients, childField(field, 'recipients'));
  // Format 4's digest never appears in an older header. A version-4 header without it is
  // not refused here but by the checklist's format step (UNSUPPORTED_SUITE): it is no
  // format this build knows, as a version-4 header was to the builds before format 4.
  if (header.summaryHash !== undefined && header.v < SUMMARY_FORMAT_VERSION) {
    throw new EncodingError(
      'INVALID_VALUE',
      childField(field, 'summaryHash'),
      'a sealed summary needs format version 4',
    );
  }
  DECODED_HEADERS.add(header);
  return header;
};

/** `header` held to the format: as it is when the decoder built it, else decoded again. */
function checkedHeader(header: CableHeader, json: JsonValue): CableHeader {
  return DECODED_HEADERS.has(header) ? header : decodeCableHeader(json, 'header');
}

// The field path is the caller's, not the document's; a non-string could not be reported.
function requireField(field: unknown): void {
  if (typeof field !== 'string') {
    throw new EncodingError('WRONG_TYPE', '', 'field: expected a path such as "cable.header" (a string)');
  }
}

// The encoders below take model values but hold them to the format first: what is hashed or
// signed is always a header or envelope that decodes, never whatever the caller built.

/**
 * The envelopes `envelopeOf` cut from a decoded header: frozen, and made of that header's
 * frozen parts, so `envelopeHash` hashes one without checking it again. A brand, as above.
 */
const DECODED_ENVELOPES = new WeakSet<CableEnvelope>();

/** The envelope part of a header (drops series position and digests). */
export function envelopeOf(header: CableHeader): CableEnvelope {
  const checked = DECODED_HEADERS.has(header) ? header : decodeCableHeader(toJsonValue(header), 'header');
  const {
    serial: _s,
    prev: _p,
    contentHash: _c,
    contentLength: _l,
    summaryHash: _h,
    recipients: _r,
    ...envelope
  } = checked;
  const frozen = Object.freeze(envelope);
  DECODED_ENVELOPES.add(frozen);
  return frozen;
}

export function encodeHeader(header: CableHeader): Uint8Array {
  if (DECODED_HEADERS.has(header)) return encodeCanonical(decodedHeaderJson(header));
  const json = toJsonValue(header);
  checkedHeader(header, json);
  return encodeCanonical(json);
}

/**
 * `toJsonValue` of a header `decodeCableHeader` built, without its walk over hundreds of
 * recipients: the decoder made every part from JSON values, froze it and left absent fields
 * out, so only the digests (bytes) have a JSON form to make. Canonicalising the result still
 * holds every part to the JSON data model.
 */
function decodedHeaderJson(header: CableHeader): JsonValue {
  const { prev, contentHash, summaryHash, ...json } = header;
  return {
    ...json,
    ...(prev === undefined ? {} : { prev: toBase64url(prev) }),
    contentHash: toBase64url(contentHash),
    ...(summaryHash === undefined ? {} : { summaryHash: toBase64url(summaryHash) }),
  } as unknown as JsonValue;
}

/**
 * SHA-256 over the canonical envelope: the AEAD associated data of content and wraps. From
 * version 2 the epoch is left out (under its own label): it stays in the signed header,
 * which the signature binds to the content hash, so nothing is lost, and the epoch can move
 * on without sealing again, exactly as the series position does.
 */
export function envelopeHash(envelope: CableEnvelope): Uint8Array {
  // An envelope cut from a decoded header holds JSON values only (no bytes): it is its own JSON.
  const decoded = DECODED_ENVELOPES.has(envelope);
  const json = decoded ? (envelope as unknown as JsonValue) : toJsonValue(envelope);
  if (!decoded) decodeCableEnvelope(json, 'envelope');
  if (envelope.v === 1) {
    return sha256(concatBytes(utf8(LABELS.envelope), Uint8Array.of(0), encodeCanonical(json)));
  }
  const { epoch: _epoch, ...hashed } = json as { readonly [key: string]: JsonValue };
  return sha256(concatBytes(utf8(LABELS.envelopeV2), Uint8Array.of(0), encodeCanonical(hashed)));
}

/** SHA-256 over a signed header: what the next cable of the series names as `prev`. */
export function cableHash(header: CableHeader, signature: Uint8Array): Uint8Array {
  return signedHeaderHash(encodeHeader(header), signature);
}

/**
 * `cableHash` of a header already encoded by `encodeHeader` (a checker that verified the
 * signature over those bytes hashes them without encoding the header again).
 */
export function signedHeaderHash(encodedHeader: Uint8Array, signature: Uint8Array): Uint8Array {
  if (!isBytes(signature) || signature.length !== 64) {
    throw new EncodingError('WRONG_TYPE', 'signature', 'signature: expected the 64-byte Ed25519 signature');
  }
  return sha256(concatBytes(utf8(LABELS.headerHash), Uint8Array.of(0), encodedHeader, signature));
}
