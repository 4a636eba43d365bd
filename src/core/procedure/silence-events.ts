/**
 * How the silence procedure appears in the audit log (docs/design.md §2, §8), the one place
 * its events are written and read:
 * - each act (open, extend, withdraw, object) is a cable, and its `cable.accepted` event
 *   carries `detail.silence = { act, procedure, deadline? }` (the procedure is the opening
 *   cable's id; the deadline is the one an `open` or `extend` sets);
 * - delivery is the `cable.fetched` event of the opening cable by a device of the participant;
 * - the server's verdict is a `silence.outcome` event about the opening cable.
 * Readers take only what decodes; anything else in the log is not the procedure's.
 */

import { SILENCE_ACTS, type SilenceAct } from '../cable/cable-header.ts';
import type { JsonValue } from '../encoding/canonical-json.ts';
import { array, enumOf, integer, object, optional } from '../encoding/decode.ts';
import { decodeCableId, decodeOrgId } from '../encoding/identifiers.ts';
import type { LogEvent } from '../log/log-event.ts';

export const SILENCE_OUTCOME_EVENT = 'silence.outcome';

export const OUTCOME_KINDS = ['adopted', 'broken', 'not-valid', 'withdrawn'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** The `silence` member of an act's `cable.accepted` detail. */
export interface SilenceActDetail {
  readonly act: SilenceAct;
  readonly procedure: string;
  readonly deadline?: number;
}

const decodeTime = integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

const decodeActDetail = object({
  act: enumOf(SILENCE_ACTS),
  procedure: decodeCableId,
  deadline: optional(decodeTime),
});

export const decodeObjection = object({ org: decodeOrgId, at: decodeTime, cable: decodeCableId });
export type Objection = { readonly org: string; readonly at: number; readonly cable: string };

/** The detail of a `silence.outcome` event: the outcome and its evidence. */
export const decodeOutcomeDetail = object({
  outcome: enumOf(OUTCOME_KINDS),
  deadline: decodeTime,
  /** Every objection accepted before the deadline, in log order (broken). */
  objections: array(decodeObjection, { max: 64 }),
  /** Participants with no proof of delivery before the deadline, sorted (not valid). */
  undelivered: array(decodeOrgId, { max: 64, unique: true }),
  /** When the text was withdrawn (withdrawn). */
  withdrawnAt: optional(decodeTime),
});

/** The `detail.silence` JSON for an act (what the server writes into `cable.accepted`). */
export function actDetailJson(detail: {
  readonly act: string;
  readonly procedure: string;
  readonly deadline?: number;
}): { readonly [key: string]: JsonValue } {
  return {
    act: detail.act,
    procedure: detail.procedure,
    ...(detail.deadline !== undefined ? { deadline: detail.deadline } : {}),
  };
}

/** The silence act an event records, if it is a `cable.accepted` event of one. */
export function actOf(event: LogEvent): SilenceActDetail | undefined {
  if (event.type !== 'cable.accepted') return undefined;
  try {
    const detail = decodeActDetail(event.detail.silence, 'detail.silence');
    return detail.deadline === undefined
      ? { act: detail.act, procedure: detail.procedure }
      : { act: detail.act, procedure: detail.procedure, deadline: detail.deadline };
  } catch {
    return undefined;
  }
}
