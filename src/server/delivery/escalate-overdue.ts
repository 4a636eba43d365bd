/**
 * Escalation by precedence (docs/design.md §2): a job every app process runs on a timer.
 * Each run looks at the cables of an escalating precedence still inside their window, and
 * for every action addressee that has not acknowledged by its due time (core/cable/
 * escalation.ts, by this server's clock) records one `cable.overdue` event. The live inbox
 * streams carry it as a notice to the addressee's registry and to the sender (inbox-stream.ts).
 *
 * Stateless across processes: "already escalated" is a row keyed (cable, addressee) written
 * with the event, so two processes over one PostgreSQL that find the same cable overdue
 * escalate it once; the loser's transaction, event and all, rolls back. Info addressees,
 * ROUTINE cables and acknowledged addressees are never escalated.
 *
 * Bounded work: a run reads the candidates in pages and records at most `MAX_PER_RUN`
 * escalations (the rest wait for the next run); a cable is looked at only within its
 * precedence's window (its limit plus a day's grace, for a node that was down; later, the
 * board still says overdue, but nobody is told), read through an index, so the work of a
 * run grows with the urgent cables of the last days, not with the archive.
 */
import {
  describeLimit,
  dueAt,
  type EscalationLimit,
  type EscalationLimits,
  escalationLimit,
} from '../../core/cable/escalation.ts';
import { PRECEDENCES } from '../../core/cable/precedence.ts';
import { formatReference } from '../../core/cable/reference.ts';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '../../core/watch/working-hours.ts';
import { auditRecord } from '../audit-event.ts';
import { type Clock, unixSeconds } from '../clock.ts';
import type { Store } from '../store/store.ts';

const PAGE = 200;
const MAX_PER_RUN = 500;
const GRACE_SECONDS = 86_400;

export interface EscalationContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly limits: { readonly escalation: EscalationLimits };
}

/** Records every escalation now due (at most MAX_PER_RUN); returns how many this run recorded. */
export async function escalateOverdue(ctx: EscalationContext): Promise<number> {
  const now = unixSeconds(ctx.clock);
  const hoursOf = workingHoursOf(ctx.store);
  let recorded = 0;
  for (const precedence of PRECEDENCES) {
    const limit = escalationLimit(ctx.limits.escalation, precedence);
    if (!limit) continue;
    const window = windowOf(limit, now);
    let after = 0;
    for (;;) {
      const page = await ctx.store.deliveries.candidates({
        precedences: [precedence],
        ...window,
        after,
        limit: PAGE,
      });
      for (const { cable, acks, escalated } of page) {
        after = cable.seq;
        for (const addressee of cable.distribution) {
          // Only action addressees escalate; the sender's own organisation is never overdue to itself.
          if (addressee.role !== 'action' || addressee.org === cable.org) continue;
          if (acks.some((a) => a.org === addressee.org) || escalated.includes(addressee.org)) continue;
          const due = dueAt(limit, cable.acceptedAt, await hoursOf(addressee.org));
          if (now < due) continue;
          const created = await ctx.store.deliveries.escalate(
            {
              cableSeq: cable.seq,
              org: addressee.org,
              senderOrg: cable.org,
              senderUser: cable.senderUser,
              dueAt: due,
              at: now,
            },
            auditRecord({
              at: now,
              type: 'cable.overdue',
              actor: {},
              object: { kind: 'cable', id: cable.id, org: cable.org },
              detail: {
                reference: formatReference(cable),
                org: addressee.org,
                precedence,
                limit: describeLimit(limit),
                due,
              },
            }),
          );
          if (created) recorded++;
          if (recorded >= MAX_PER_RUN) return recorded;
        }
      }
      if (page.length < PAGE) break;
    }
  }
  return recorded;
}

/** The acceptance times worth a look for `limit`: due by now, and not past the grace. */
function windowOf(limit: EscalationLimit, now: number): { acceptedFrom: number; acceptedTo: number } {
  if (limit.unit === 'working-days') {
    // A working week holds at least one working day, so n working days end within n + 1 weeks.
    return { acceptedFrom: now - (limit.amount + 1) * 7 * 86_400 - GRACE_SECONDS, acceptedTo: now };
  }
  const seconds = limit.amount * (limit.unit === 'minutes' ? 60 : 3600);
  return { acceptedFrom: now - seconds - GRACE_SECONDS, acceptedTo: now - seconds };
}

/** Each organisation's working hours, read once per run. */
function workingHoursOf(store: Store): (org: string) => Promise<WorkingHours> {
  const known = new Map<string, WorkingHours>();
  return async (org) => {
    const cached = known.get(org);
    if (cached) return cached;
    const hours = (await store.watch.hours(org)) ?? DEFAULT_WORKING_HOURS;
    known.set(org, hours);
    return hours;
  };
}

/** Runs the job on a timer, one run at a time in this process; `stop` ends it. */
export function startEscalation(
  ctx: EscalationContext,
  timer: { repeat(ms: number, run: () => void): { stop(): void } },
  everyMs: number,
  onError: (error: unknown) => void,
): { stop(): void } {
  let running = false;
  return timer.repeat(everyMs, () => {
    if (running) return;
    running = true;
    escalateOverdue(ctx)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  });
}
