/**
 * The routes of the audit log (docs/api.md, "The audit log"): the log's pin, checkpoints,
 * leaves, proofs, witnesses' cosignatures and alerts, and the proven audit events.
 */
import { array, enumOf, type Infer, integer, object, optional, string } from '../encoding/decode.ts';
import { decodeDeviceId } from '../encoding/identifiers.ts';
import { WITNESS_REFUSALS } from '../log/checkpoint/witness-check.ts';
import { MAX_EVENT_BYTES } from '../log/log-event.ts';
import { route } from './route.ts';
import { decodeCount, decodeHashList } from './shared-decoders.ts';

/** The largest note a witness may send: a checkpoint with many cosignatures. */
export const MAX_NOTE_CHARS = 16 * 1024;

/** GET /log: what a client pins at enrolment. */
export const decodeLogInfo = object({
  origin: string({ min: 1, max: 200 }),
  key: string({ min: 1, max: 400 }),
  /** The witness quorum: how many witnesses' cosignatures a checkpoint needs to be acted on. */
  quorum: optional(integer({ min: 0, max: 1000 })),
});
export type LogInfo = Infer<typeof decodeLogInfo>;

const decodeNote = string({ min: 1, max: 256 * 1024 });
const decodeEvent = string({ min: 1, max: MAX_EVENT_BYTES });

export const decodeCheckpointAnswer = object({ size: decodeCount, note: decodeNote });

/** GET /log/checkpoint: the newest checkpoint, and the newest one carrying the quorum's cosignatures. */
export const decodeNewestCheckpoint = object({
  size: decodeCount,
  note: decodeNote,
  witnessed: optional(decodeCheckpointAnswer),
});

export const decodeCheckpointList = object({
  items: array(decodeCheckpointAnswer, { max: 1000 }),
  next: optional(decodeCount),
});

export const decodeInclusionAnswer = object({ index: decodeCount, size: decodeCount, proof: decodeHashList });
export const decodeConsistencyAnswer = object({ from: decodeCount, to: decodeCount, proof: decodeHashList });

export const decodeLeafPage = object({
  size: decodeCount,
  items: array(
    object({
      leaf: decodeCount,
      event: optional(decodeEvent),
      hash: optional(string({ min: 43, max: 43 })),
    }),
    { max: 10_000 },
  ),
  next: optional(decodeCount),
  /** The compact range [0, from): the roots the leaves of the page extend (a range proof). */
  frontier: optional(decodeHashList),
});

export const decodeAuditPage = object({
  checkpoint: decodeCheckpointAnswer,
  items: array(object({ leaf: decodeCount, event: decodeEvent, proof: decodeHashList }), { max: 1000 }),
  next: optional(decodeCount),
});

export const decodeCosignaturePost = object({
  size: decodeCount,
  /** The signature line `— <name> <base64>` (C2SP tlog-cosignature), with its newline. */
  cosignature: string({ min: 1, max: 1024 }),
});
export const decodeCosignatureAnswer = object({ size: decodeCount, witness: decodeDeviceId });

export const decodeAlertPost = object({
  reason: enumOf(WITNESS_REFUSALS),
  /** The signed note the witness refused, as it received it. */
  note: string({ min: 1, max: MAX_NOTE_CHARS }),
  /** The last checkpoint the witness cosigned, if any. */
  previous: optional(string({ min: 1, max: MAX_NOTE_CHARS })),
});
export const decodeAlertAnswer = object({ leaf: decodeCount });

export const LOG_ROUTES = {
  log: route({ method: 'GET', path: '/api/v1/log', auth: 'none', body: 'none', answer: decodeLogInfo }),
  checkpoint: route({
    method: 'GET',
    path: '/api/v1/log/checkpoint',
    auth: 'device',
    body: 'none',
    answer: decodeNewestCheckpoint,
  }),
  checkpoints: route({
    method: 'GET',
    path: '/api/v1/log/checkpoints',
    auth: 'device',
    body: 'none',
    answer: decodeCheckpointList,
  }),
  leaves: route({
    method: 'GET',
    path: '/api/v1/log/leaves',
    auth: 'device',
    body: 'none',
    answer: decodeLeafPage,
  }),
  inclusionProof: route({
    method: 'GET',
    path: '/api/v1/log/proofs/inclusion',
    auth: 'device',
    body: 'none',
    answer: decodeInclusionAnswer,
  }),
  consistencyProof: route({
    method: 'GET',
    path: '/api/v1/log/proofs/consistency',
    auth: 'device',
    body: 'none',
    answer: decodeConsistencyAnswer,
  }),
  cosign: route({
    method: 'POST',
    path: '/api/v1/log/cosignatures',
    auth: 'device',
    body: decodeCosignaturePost,
    answer: decodeCosignatureAnswer,
  }),
  alert: route({
    method: 'POST',
    path: '/api/v1/log/alerts',
    auth: 'device',
    body: decodeAlertPost,
    answer: decodeAlertAnswer,
  }),
  auditEvents: route({
    method: 'GET',
    path: '/api/v1/audit/events',
    auth: 'device',
    body: 'none',
    answer: decodeAuditPage,
  }),
} as const;
