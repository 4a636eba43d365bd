/**
 * Seals a cable for exactly the devices policy entitles (docs/design.md §4, §6):
 * 1. check the draft and the sender against the verified directory;
 * 2. compute the entitled devices at the directory's epoch;
 * 3. encrypt the canonical content under a fresh 256-bit content key, with the envelope
 *    hash as associated data, and the summary (subject and tags) apart under the same key
 *    with its own label (format 4, cable-summary.ts);
 * 4. wrap the content key for each entitled device with HPKE on X-Wing, binding the cable
 *    id and the device id;
 * 5. sign the canonical header with the sender device's Ed25519 key.
 * Sealing is the expensive step (one KEM per device), so a lost serial race re-signs with
 * `resignCable` and never seals again.
 */

import { deriveContentCipher } from '../crypto/content-cipher.ts';
import type { Signer } from '../crypto/ed25519.ts';
import { signLabelled } from '../crypto/ed25519.ts';
import type { HpkeSuite } from '../crypto/hpke/hpke-suite.ts';
import { LABELS } from '../crypto/labels.ts';
import { sha256 } from '../crypto/sha256.ts';
import { randomBytes } from '../encoding/bytes.ts';
import { encodeCanonical, type JsonValue } from '../encoding/canonical-json.ts';
import { MAX_TIME, MIN_TIME } from '../encoding/date-time-group.ts';
import { array, enumOf, integer, object, optional, string } from '../encoding/decode.ts';
import { decodeGroup, decodeOrgId, randomId } from '../encoding/identifiers.ts';
import { toJsonValue } from '../encoding/to-json.ts';
import type { Classification, Marking } from '../identity/classification.ts';
import { CLASSIFICATIONS, MARKINGS } from '../identity/classification.ts';
import type { Directory } from '../identity/directory.ts';
import { isDirectory } from '../identity/directory.ts';
import { entitledDevices } from '../policy.ts';
import type { AttachmentDescriptor, CableContent } from './cable-content.ts';
import {
  decodeAttachmentDescriptor,
  decodeTags,
  MAX_ATTACHMENTS,
  MAX_BODY,
  MAX_SUBJECT,
} from './cable-content.ts';
import { CableError, decoded } from './cable-error.ts';
import type { Addressee, CableEnvelope, CableHeader, SilenceAct } from './cable-header.ts';
import {
  CURRENT_SUITE,
  decodeCableEnvelope,
  decodeCableHeader,
  encodeHeader,
  envelopeHash,
  FORMAT_VERSION,
  MAX_ADDRESSEES,
  MAX_GROUPS,
  SILENCE_ACTS,
} from './cable-header.ts';
import { sealSummary, summaryOf } from './cable-summary.ts';
import type { WrapRequest } from './key-wrap.ts';
import { wrapContentKey } from './key-wrap.ts';
import type { Precedence } from './precedence.ts';
import { ADDRESSEE_ROLES, PRECEDENCES } from './precedence.ts';
import { decodeReference } from './reference.ts';
import type { KeyWrap, SealedCable } from './sealed-cable.ts';
import { decodeSealedCable, encodeSealedCable } from './sealed-cable.ts';
import { checkSender, refusalError } from './verify-sealed-cable.ts';

export interface CableDraft {
  readonly classification: Classification;
  readonly markings?: readonly Marking[];
  readonly precedence: Precedence;
  readonly distribution: readonly Addressee[];
  readonly groups?: readonly string[];
  readonly replyTo?: string;
  readonly silenceDeadline?: number;
  /** The silence-procedure act this cable is (format 3 and later). */
  readonly silence?: SilenceAct;
  /** Unix seconds: the date-time group. */
  readonly sentAt: number;
}

export interface ContentDraft {
  readonly subject: string;
  readonly tags?: readonly string[];
  readonly body: string;
  readonly attachments?: readonly AttachmentDescriptor[];
}

/** The sending device: its ids and its signing key. */
export interface SenderDevice {
  readonly user: string;
  readonly device: string;
  readonly signer: Signer;
}

/** Where the cable goes in its organisation's series. */
export interface SeriesPosition {
  readonly serial: number;
  readonly prev?: Uint8Array;
}

export interface SealRequest {
  readonly draft: CableDraft;
  readonly content: ContentDraft;
  readonly sender: SenderDevice;
  readonly directory: Directory;
  readonly series: SeriesPosition;
  /** A fixed cable id (vector generation only); random otherwise. */
  readonly id?: string;
  /** How to run the per-device wraps (default: on this thread); see ContentKeyWrapper. */
  readonly wrapper?: ContentKeyWrapper;
}

export async function sealCable(request: SealRequest): Promise<SealedCable> {
  const { cable, contentKey } = await sealCableKeepingKey(request);
  contentKey.fill(0);
  return cable;
}

/**
 * Seals as `sealCable`, and hands the content key back to the sender, which keeps it only
 * while it sends: if the server answers that the directory moved on (EPOCH_STALE),
 * `rewrapCable` wraps the same key for the current epoch's new devices. The caller zeroes it.
 */
export async function sealCableKeepingKey(
  request: SealRequest,
): Promise<{ readonly cable: SealedCable; readonly contentKey: Uint8Array }> {
  checkRequest(request);
  const { sender, directory } = request;
  const entry = directory.device(sender.device);
  if (!entry || entry.user.user !== sender.user) {
    throw new CableError(
      'UNKNOWN_DEVICE',
      'this device is not in the directory; sync the directory or ask your security officer',
    );
  }
  const envelope = buildEnvelope(request, entry.org.org);
  // docs/design.md §6: the sender step of the cable's checklist, on the envelope, before any
  // work: a cable its own sender could not have sent is never sealed.
  const cleared = checkSender(envelope, directory);
  if (!cleared.ok) throw refusalError(cleared);
  const content = buildContent(request.content);
  const plaintext = encodeCanonical(toJsonValue(content));
  const recipients = entitledDevices(envelope, directory);

  const contentKey = randomBytes(32);
  const aad = envelopeHash(envelope);
  const cipher = await deriveContentCipher(contentKey, LABELS.contentKey);
  const ciphertext = await cipher.encrypt(cipher.nonce, plaintext, aad);
  const summary = await sealSummary(contentKey, summaryOf(content), aad);
  const requests = recipients.map((device) => {
    const entry = directory.device(device, envelope.epoch);
    if (!entry) throw new CableError('UNKNOWN_DEVICE', `entitled device ${device} is not in the directory`);
    return { cableId: envelope.id, device, publicKey: entry.device.kemKey, envelopeHash: aad, contentKey };
  });
  const wraps = await (request.wrapper ?? inThreadWrapper).wrap(requests);
  // A wrapper (e.g. a worker pool) must answer every request, in order, for its device.
  if (wraps.length !== requests.length || wraps.some((w, i) => w.device !== requests[i]?.device)) {
    throw new CableError('WRAP_INVALID', 'the key wrapper did not wrap for exactly the entitled devices');
  }

  const header = checkedHeader({
    ...envelope,
    serial: request.series.serial,
    ...(request.series.prev !== undefined ? { prev: request.series.prev } : {}),
    contentHash: sha256(ciphertext),
    contentLength: ciphertext.length,
    summaryHash: sha256(summary),
    recipients,
  });
  const signature = await signLabelled(sender.signer, LABELS.cableHeader, encodeHeader(header));
  return {
    cable: { kind: 'SealedCable', header, signature, content: ciphertext, summary, wraps },
    contentKey,
  };
}

/**
 * Wraps in flight at once. Each wrap is one ML-KEM encapsulation on this thread and a few
 * WebCrypto calls on the platform's thread pool; a small window keeps both busy, while
 * starting hundreds at once only makes them queue and contend.
 */
const WRAP_CONCURRENCY = 16;

/** Wraps a content key for many devices; may spread the work over threads or workers. */
export interface ContentKeyWrapper {
  wrap(requests: readonly WrapRequest[]): Promise<KeyWrap[]>;
}

export const inThreadWrapper: ContentKeyWrapper = {
  wrap: (requests) => mapLimited(requests, WRAP_CONCURRENCY, (r) => wrapContentKey(r)),
};

/** Wraps on this thread with `suite`: the X-Wing suite on a platform's own primitives. */
export function inThreadWrapperFor(suite: HpkeSuite): ContentKeyWrapper {
  return { wrap: (requests) => mapLimited(requests, WRAP_CONCURRENCY, (r) => wrapContentKey(r, suite)) };
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item when it is free.
  const queue = items.entries();
  const worker = async () => {
    for (const [i, item] of queue) out[i] = await run(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Checks the parts that are not data (keys, directory) before any work. */
function checkRequest(request: SealRequest): void {
  const r = request as Partial<SealRequest> | null;
  if (typeof r !== 'object' || r === null)
    throw new CableError('MALFORMED', 'sealCable needs a request object');
  const s = r.sender as Partial<SenderDevice> | undefined;
  if (typeof s !== 'object' || s === null || typeof s.user !== 'string' || typeof s.device !== 'string') {
    throw new CableError('MALFORMED', 'request.sender must name the user and device');
  }
  if (typeof s.signer?.sign !== 'function')
    throw new CableError('MALFORMED', 'request.sender.signer must be a signer');
  if (!isDirectory(r.directory))
    throw new CableError('MALFORMED', 'request.directory must be an opened directory');
  const series = r.series as Partial<SeriesPosition> | undefined;
  if (typeof series !== 'object' || series === null)
    throw new CableError('MALFORMED', 'request.series must give serial and prev');
}

/**
 * Gives a sealed cable a new place in its organisation's series (after the server answered
 * 409 with the current head) and signs it again. Nothing is re-encrypted.
 */
export async function resignCable(
  cable: SealedCable,
  series: SeriesPosition,
  signer: Signer,
): Promise<SealedCable> {
  if (typeof series !== 'object' || series === null)
    throw new CableError('MALFORMED', 'series must give serial and prev');
  if (typeof signer?.sign !== 'function') throw new CableError('MALFORMED', 'signer must be a signer');
  // The cable is held to the format whole: what comes back is only what decodes.
  const sealed = decoded(() => decodeSealedCable(encodeSealedCable(cable), 'cable'));
  const { prev: _prev, ...rest } = sealed.header;
  const header = checkedHeader({
    ...rest,
    serial: series.serial,
    ...(series.prev !== undefined ? { prev: series.prev } : {}),
  });
  const signature = await signLabelled(signer, LABELS.cableHeader, encodeHeader(header));
  return { ...sealed, header, signature };
}

const decodeCableDraft = object({
  classification: enumOf(CLASSIFICATIONS),
  markings: optional(array(enumOf(MARKINGS), { max: MARKINGS.length, unique: true })),
  precedence: enumOf(PRECEDENCES),
  distribution: array(object({ org: decodeOrgId, role: enumOf(ADDRESSEE_ROLES) }), {
    min: 1,
    max: MAX_ADDRESSEES,
  }),
  groups: optional(array(decodeGroup, { max: MAX_GROUPS, unique: true })),
  replyTo: optional(decodeReference),
  silenceDeadline: optional(integer({ min: MIN_TIME, max: MAX_TIME })),
  silence: optional(enumOf(SILENCE_ACTS)),
  sentAt: integer({ min: MIN_TIME, max: MAX_TIME }),
});

const decodeContentDraft = object({
  subject: string({ min: 1, max: MAX_SUBJECT }),
  tags: optional(decodeTags),
  body: string({ max: MAX_BODY }),
  attachments: optional(array(decodeAttachmentDescriptor, { max: MAX_ATTACHMENTS })),
});

function buildEnvelope(request: SealRequest, org: string): CableEnvelope {
  const draft = decoded(() => decodeCableDraft(jsonAt('draft', request.draft), 'draft'));
  const byOrg = (a: Addressee, b: Addressee) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0);
  const byMarking = (a: Marking, b: Marking) => MARKINGS.indexOf(a) - MARKINGS.indexOf(b);
  return decoded(() =>
    decodeCableEnvelope(
      toJsonValue({
        v: FORMAT_VERSION,
        suite: CURRENT_SUITE,
        id: request.id === undefined ? randomId() : request.id,
        org,
        sender: { user: request.sender.user, device: request.sender.device },
        sentAt: draft.sentAt,
        classification: draft.classification,
        markings: [...(draft.markings ?? [])].sort(byMarking),
        precedence: draft.precedence,
        distribution: [...draft.distribution].sort(byOrg),
        groups: [...(draft.groups ?? [])].sort(),
        replyTo: draft.replyTo,
        silenceDeadline: draft.silenceDeadline,
        silence: draft.silence,
        epoch: request.directory.epoch,
      }),
      'draft',
    ),
  );
}

function buildContent(draft: ContentDraft): CableContent {
  const content = decoded(() => decodeContentDraft(jsonAt('content', draft), 'content'));
  return {
    subject: content.subject,
    tags: content.tags ?? [],
    body: content.body,
    attachments: content.attachments ?? [],
  };
}

function checkedHeader(header: CableHeader): CableHeader {
  decoded(() => decodeCableHeader(jsonAt('header', header), 'header'));
  return header;
}

/** The JSON of `value`, converted as the field `field` so that an error names it. */
function jsonAt(field: string, value: unknown): JsonValue | undefined {
  return (toJsonValue({ [field]: value }) as { readonly [k: string]: JsonValue | undefined })[field];
}
