/**
 * The silence procedure's rules at the door (docs/design.md §2): a cable that is a procedure
 * act is held to them before anything is stored, by the server's clock, the only clock
 * both sides accept. The checks, in order:
 *
 *  1. a deadline belongs to a procedure: a cable carrying one is an `open` or an `extend`;
 *  2. `open`: its organisation holds the Presidency now (the network authority's act), it
 *     names at least one action addressee besides itself (the participants), and its deadline
 *     is after now and at most the network's maximum away;
 *  3. every other act replies to a procedure's opening cable, which has not reached its
 *     deadline and was not withdrawn;
 *  4. `extend` and `withdraw`: by the organisation that opened it; an extension moves the
 *     deadline later, and not beyond the maximum from now;
 *  5. `object`: by a participant, addressed to the Presidency and every other participant, so
 *     every one of them sees silence broken.
 * Returns the act to record in the cable's own transaction.
 */

import type { CableHeader } from '../../core/cable/cable-header.ts';
import { parseReference } from '../../core/cable/reference.ts';
import { holdsPresidency } from '../../core/procedure/presidency.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { SilenceActRecord } from '../store/procedure-store.ts';
import { procedureDeadline } from './procedure-state.ts';

export async function checkSilenceAct(
  ctx: ServerContext,
  header: CableHeader,
  now: number,
): Promise<SilenceActRecord | undefined> {
  const act = header.silence;
  // 1. A deadline without a procedure act would look like one to a reader: refused.
  if (act === undefined) {
    if (header.silenceDeadline !== undefined) {
      throw new ServerError(
        'INVALID_VALUE',
        'a silence deadline belongs to a silence procedure: send it as format 3 with silence "open"',
        { field: 'cable.header.silenceDeadline' },
      );
    }
    return undefined;
  }
  const base = { cable: header.id, act, org: header.org, at: now };
  if (act === 'open') {
    // 2. The Presidency, its participants, its deadline.
    const presidency = await ctx.store.procedures.presidency();
    if (!holdsPresidency(presidency, header.org, now)) {
      throw new ServerError(
        'NOT_PRESIDENCY',
        presidency
          ? `${header.org} does not hold the Presidency (${presidency.org} does); only the Presidency opens a silence procedure`
          : 'the network names no Presidency; the network authority must name one first',
      );
    }
    if (!header.distribution.some((a) => a.role === 'action' && a.org !== header.org)) {
      throw new ServerError(
        'INVALID_VALUE',
        'a silence procedure needs participants: name them as action addressees',
        { field: 'cable.header.distribution' },
      );
    }
    const deadline = checkDeadline(ctx, header.silenceDeadline, now, now);
    return { ...base, procedure: header.id, deadline };
  }

  // 3. The procedure replied to, still open.
  const opening = await openingOf(ctx, header.replyTo);
  const acts = await ctx.store.procedures.acts(opening.procedure);
  const { deadline, withdrawn } = procedureDeadline(acts);
  if (withdrawn || now >= deadline) {
    throw new ServerError(
      'PROCEDURE_CLOSED',
      withdrawn
        ? `the silence procedure ${header.replyTo} was withdrawn`
        : `the silence procedure ${header.replyTo} reached its deadline; nothing more is accepted in it`,
    );
  }

  if (act === 'extend' || act === 'withdraw') {
    // 4. Only the organisation that opened it.
    if (header.org !== opening.org) {
      throw new ServerError(
        'NOT_PRESIDENCY',
        `only ${opening.org}, which opened it, may ${act} this procedure`,
      );
    }
    if (act === 'withdraw') return { ...base, procedure: opening.procedure };
    return {
      ...base,
      procedure: opening.procedure,
      deadline: checkDeadline(ctx, header.silenceDeadline, now, deadline),
    };
  }

  // 5. An objection: by a participant, to everyone concerned.
  const openingHeader = await participantsOf(ctx, opening.procedure);
  if (!openingHeader.participants.includes(header.org)) {
    throw new ServerError('FORBIDDEN', `${header.org} is not a participant of this silence procedure`);
  }
  const addressed = new Set(header.distribution.map((a) => a.org));
  const missing = [opening.org, ...openingHeader.participants].filter(
    (org) => org !== header.org && !addressed.has(org),
  );
  if (missing.length > 0) {
    throw new ServerError(
      'INVALID_VALUE',
      `an objection is addressed to the Presidency and every participant; add ${missing.join(', ')}`,
      { field: 'cable.header.distribution' },
    );
  }
  return { ...base, procedure: opening.procedure };
}

function checkDeadline(ctx: ServerContext, deadline: number | undefined, now: number, after: number): number {
  if (deadline === undefined || deadline <= after) {
    throw new ServerError(
      'DEADLINE_INVALID',
      after === now
        ? 'the silence deadline is in the past; set one after now'
        : 'an extension moves the deadline later than the one in force',
      { field: 'cable.header.silenceDeadline' },
    );
  }
  if (deadline > now + ctx.limits.maxSilenceSeconds) {
    throw new ServerError(
      'DEADLINE_INVALID',
      `the silence deadline is beyond the network's maximum of ${ctx.limits.maxSilenceSeconds / 3600} hours from now`,
      { field: 'cable.header.silenceDeadline' },
    );
  }
  return deadline;
}

async function openingOf(ctx: ServerContext, replyTo: string | undefined): Promise<SilenceActRecord> {
  const reference = replyTo === undefined ? undefined : parseReference(replyTo, 'cable.header.replyTo');
  const opening =
    reference && (await ctx.store.procedures.opening(reference.org, reference.year, reference.serial));
  if (!opening) {
    throw new ServerError(
      'PROCEDURE_UNKNOWN',
      `${replyTo ?? 'the cable'} is not a silence procedure's opening cable`,
      {
        field: 'cable.header.replyTo',
      },
    );
  }
  return opening;
}

async function participantsOf(ctx: ServerContext, procedure: string): Promise<{ participants: string[] }> {
  const cable = await ctx.store.cable(procedure);
  if (!cable) throw new ServerError('PROCEDURE_UNKNOWN', `no procedure ${procedure}`);
  return {
    participants: cable.distribution
      .filter((a) => a.role === 'action' && a.org !== cable.org)
      .map((a) => a.org),
  };
}
