/**
 * The silence procedure's outcome written a second time, plainly and in another shape than
 * src/core/procedure/silence-outcome.ts, for the property test to hold the two equal. Two
 * passes over a log whose times never go back:
 *  1. the Presidency's acts: the final deadline (each extension to a later instant made
 *     before the deadline then in force), and the first withdrawal before it;
 *  2. the participants: objections before the final deadline and earlier in the log than
 *     the withdrawal; organisations with a fetch of the text before the final deadline.
 * Then: withdrawn, else broken, else not valid (naming the undelivered), else adopted.
 */
import type { LogEvent } from '../../../src/core/log/log-event.ts';
import type { SilenceOutcome, SilenceProcedure } from '../../../src/core/procedure/silence-outcome.ts';

interface Act {
  readonly position: number;
  readonly act: string;
  readonly org: string;
  readonly at: number;
  readonly deadline: number | undefined;
  readonly cable: string;
}

function actsOf(procedure: SilenceProcedure, log: readonly LogEvent[]): Act[] {
  const acts: Act[] = [];
  log.forEach((event, position) => {
    if (event.type !== 'cable.accepted') return;
    const silence = event.detail.silence;
    if (typeof silence !== 'object' || silence === null || Array.isArray(silence)) return;
    const record = silence as { [key: string]: unknown };
    if (record.procedure !== procedure.id || typeof record.act !== 'string') return;
    if (!['open', 'extend', 'withdraw', 'object'].includes(record.act)) return;
    if (record.deadline !== undefined && typeof record.deadline !== 'number') return;
    if (event.actor.org === undefined) return;
    acts.push({
      position,
      act: record.act,
      org: event.actor.org,
      at: event.at,
      deadline: record.deadline as number | undefined,
      cable: event.object.id,
    });
  });
  return acts;
}

export function referenceOutcome(procedure: SilenceProcedure, log: readonly LogEvent[]): SilenceOutcome {
  const acts = actsOf(procedure, log);
  const isParticipant = (org: string | undefined) =>
    org !== undefined && procedure.participants.includes(org);

  // Pass 1: the Presidency's acts.
  let deadline = procedure.deadline;
  let withdrawal: Act | undefined;
  for (const act of acts) {
    if (act.org !== procedure.org || withdrawal !== undefined || act.at >= deadline) continue;
    if (act.act === 'extend' && act.deadline !== undefined && act.deadline > deadline)
      deadline = act.deadline;
    if (act.act === 'withdraw') withdrawal = act;
  }
  if (withdrawal !== undefined) {
    return { outcome: 'withdrawn', deadline, objections: [], undelivered: [], withdrawnAt: withdrawal.at };
  }

  // Pass 2: the participants.
  const objections = acts
    .filter((a) => a.act === 'object' && isParticipant(a.org) && a.at < deadline)
    .map((a) => ({ org: a.org, at: a.at, cable: a.cable }));
  if (objections.length > 0) return { outcome: 'broken', deadline, objections, undelivered: [] };

  const delivered = new Set<string>();
  for (const event of log) {
    if (event.type === 'cable.fetched' && event.object.id === procedure.id && event.at < deadline) {
      if (isParticipant(event.actor.org)) delivered.add(event.actor.org as string);
    }
  }
  const undelivered = procedure.participants.filter((org) => !delivered.has(org));
  if (undelivered.length > 0) return { outcome: 'not-valid', deadline, objections: [], undelivered };
  return { outcome: 'adopted', deadline, objections: [], undelivered: [] };
}
