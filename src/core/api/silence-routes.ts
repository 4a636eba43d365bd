/**
 * The routes of the silence procedure (docs/api.md, "The silence procedure"): the network
 * authority names the Presidency; a participant or the Presidency reads a procedure with the
 * log events its outcome rests on, each with its inclusion proof. The procedure's acts are
 * cables (POST /cables), held to its rules at acceptance.
 */
import { array, enumOf, object, optional, string } from '../encoding/decode.ts';
import { decodeCableId, decodeEd25519Signature, decodeOrgId } from '../encoding/identifiers.ts';
import { MAX_EVENT_BYTES } from '../log/log-event.ts';
import { decodeSignedPresidency } from '../procedure/presidency.ts';
import { decodeSignedHeader } from './cable-routes.ts';
import { decodeCheckpointAnswer } from './log-routes.ts';
import { route } from './route.ts';
import { decodeCount, decodeHashList, decodeTime } from './shared-decoders.ts';

export const decodePresidencyPost = object({ act: decodeSignedPresidency });
export const decodePresidencyAnswer = object({
  org: decodeOrgId,
  from: decodeTime,
  until: decodeTime,
  issuedAt: decodeTime,
});

export const PROCEDURE_STATES = ['open', 'closing', 'closed'] as const;

export const decodeSilenceStatus = object({
  procedure: object({
    id: decodeCableId,
    reference: string({ min: 1, max: 20 }),
    /** The opening cable's signed header (canonical JSON, as signed) and signature. */
    header: decodeSignedHeader,
    signature: decodeEd25519Signature,
    /** The deadline in force, as the server sees it. */
    deadline: decodeTime,
    /** `closing`: past the deadline, the outcome not yet recorded. */
    state: enumOf(PROCEDURE_STATES),
  }),
  /** The server's time when it answered (Unix seconds). */
  now: decodeTime,
  checkpoint: decodeCheckpointAnswer,
  events: array(
    object({ leaf: decodeCount, event: string({ min: 1, max: MAX_EVENT_BYTES }), proof: decodeHashList }),
    { max: 10_000 },
  ),
  /** The leaf of the recorded `silence.outcome` event, once there is one. */
  outcome: optional(decodeCount),
});

export const SILENCE_ROUTES = {
  presidency: route({
    method: 'PUT',
    path: '/api/v1/network/presidency',
    // The root's signature is the authority, as for an organisation certificate.
    auth: 'optional',
    body: decodePresidencyPost,
    answer: decodePresidencyAnswer,
  }),
  silence: route({
    method: 'GET',
    path: '/api/v1/silence/:id',
    auth: 'device',
    body: 'none',
    answer: decodeSilenceStatus,
  }),
} as const;
