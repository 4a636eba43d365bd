/**
 * The outcome of a silence procedure, computed from the log alone (docs/design.md §2): the
 * server records its verdict from this function, and every client runs it again over the
 * events it has proven and refuses a verdict that differs. Pure: no clock, no I/O.
 *
 * The rules (Council Rules of Procedure, Art. 12(2)(d); docs/design.md §2), over the events
 * in log order:
 *  - the deadline in force starts as the opening cable's; an extension by the Presidency
 *    before it, to a later instant, replaces it;
 *  - a withdrawal by the Presidency before the deadline ends the procedure: withdrawn;
 *  - an objection by a participant before the deadline breaks silence: broken, with every
 *    such objection (who, when, which cable);
 *  - otherwise, a participant none of whose devices fetched the text before the deadline has
 *    not received it, and silence is never assent from a member who never had the text:
 *    not valid, naming them;
 *  - otherwise, adopted.
 * "Before" is strict: an act at the deadline's second is late. Acts by anyone else, for
 * another procedure, or after the procedure ended, count for nothing.
 */

import type { CableHeader } from '../cable/cable-header.ts';
import type { LogEvent } from '../log/log-event.ts';
import { actOf, type Objection, type OutcomeKind } from './silence-events.ts';

export interface SilenceProcedure {
  /** The opening cable's id. */
  readonly id: string;
  /** The Presidency that opened it. */
  readonly org: string;
  /** The action addressees other than the Presidency, sorted. */
  readonly participants: readonly string[];
  /** The deadline the opening cable set (Unix seconds). */
  readonly deadline: number;
}

export interface ParticipantState {
  readonly org: string;
  /** The first fetch of the text by one of its devices, before the deadline. */
  readonly receivedAt?: number;
  readonly acknowledgedAt?: number;
  readonly objectedAt?: number;
}

export interface SilenceState {
  /** The deadline in force. */
  readonly deadline: number;
  readonly withdrawnAt?: number;
  readonly objections: readonly Objection[];
  readonly participants: readonly ParticipantState[];
}

export interface SilenceOutcome {
  readonly outcome: OutcomeKind;
  readonly deadline: number;
  readonly objections: readonly Objection[];
  readonly undelivered: readonly string[];
  readonly withdrawnAt?: number;
}

/** The procedure a verified opening header describes. */
export function procedureOf(header: CableHeader): SilenceProcedure | undefined {
  if (header.silence !== 'open' || header.silenceDeadline === undefined) return undefined;
  const participants = header.distribution
    .filter((a) => a.role === 'action' && a.org !== header.org)
    .map((a) => a.org)
    .sort();
  return { id: header.id, org: header.org, participants, deadline: header.silenceDeadline };
}

/** Where the procedure stands after `events` (in log order). */
export function silenceState(procedure: SilenceProcedure, events: readonly LogEvent[]): SilenceState {
  let deadline = procedure.deadline;
  let withdrawnAt: number | undefined;
  const objections: Objection[] = [];
  const received = new Map<string, number>();
  const acknowledged = new Map<string, number>();
  const isParticipant = (org: string | undefined): org is string =>
    org !== undefined && procedure.participants.includes(org);
  for (const event of events) {
    const open = withdrawnAt === undefined && event.at < deadline;
    const org = event.actor.org;
    if (event.object.id === procedure.id && isParticipant(org) && event.at < deadline) {
      if (event.type === 'cable.fetched' && !received.has(org)) received.set(org, event.at);
      if (event.type === 'cable.acknowledged' && !acknowledged.has(org)) acknowledged.set(org, event.at);
    }
    const act = actOf(event);
    if (!act || act.procedure !== procedure.id || !open) continue;
    if (
      act.act === 'extend' &&
      org === procedure.org &&
      act.deadline !== undefined &&
      act.deadline > deadline
    ) {
      deadline = act.deadline;
    } else if (act.act === 'withdraw' && org === procedure.org) {
      withdrawnAt = event.at;
    } else if (act.act === 'object' && isParticipant(org)) {
      objections.push({ org, at: event.at, cable: event.object.id });
    }
  }
  const participants = procedure.participants.map((org) => {
    const receivedAt = received.get(org);
    const acknowledgedAt = acknowledged.get(org);
    const objectedAt = objections.find((o) => o.org === org)?.at;
    return {
      org,
      ...(receivedAt !== undefined ? { receivedAt } : {}),
      ...(acknowledgedAt !== undefined ? { acknowledgedAt } : {}),
      ...(objectedAt !== undefined ? { objectedAt } : {}),
    };
  });
  return { deadline, ...(withdrawnAt !== undefined ? { withdrawnAt } : {}), objections, participants };
}

/** The outcome at the deadline, from the events in log order. */
export function silenceOutcome(procedure: SilenceProcedure, events: readonly LogEvent[]): SilenceOutcome {
  const state = silenceState(procedure, events);
  const base = { deadline: state.deadline, objections: [], undelivered: [] };
  if (state.withdrawnAt !== undefined) {
    return { ...base, outcome: 'withdrawn', withdrawnAt: state.withdrawnAt };
  }
  if (state.objections.length > 0) return { ...base, outcome: 'broken', objections: state.objections };
  const undelivered = state.participants.filter((p) => p.receivedAt === undefined).map((p) => p.org);
  if (undelivered.length > 0) return { ...base, outcome: 'not-valid', undelivered };
  return { ...base, outcome: 'adopted' };
}
