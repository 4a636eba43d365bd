/**
 * Where a procedure stands, from the acts the server accepted (each already held to the
 * rules by check-silence-act.ts): the deadline in force and whether it was withdrawn. The
 * outcome itself is computed from the log (core/procedure/silence-outcome.ts), never here.
 */
import type { SilenceActRecord } from '../store/procedure-store.ts';

export function procedureDeadline(acts: readonly SilenceActRecord[]): {
  deadline: number;
  withdrawn: boolean;
} {
  let deadline = 0;
  let withdrawn = false;
  for (const act of acts) {
    if (
      (act.act === 'open' || act.act === 'extend') &&
      act.deadline !== undefined &&
      act.deadline > deadline
    ) {
      deadline = act.deadline;
    }
    if (act.act === 'withdraw') withdrawn = true;
  }
  return { deadline, withdrawn };
}
