/**
 * The audit page's summary line (docs/design.md §8): how many of the events read were proven,
 * against which checkpoint and whether the witnesses cosigned it, and how many failed, in one
 * sentence an officer can read aloud or paste into a report.
 */
import type { AuditView } from './device-protocol.ts';
import { count } from './plain-words.ts';

const WITNESSING: { readonly [state in AuditView['witnessing']]: string } = {
  WITNESSED: 'witnessed',
  NOT_YET_WITNESSED: 'signed by the log, not yet cosigned by the witnesses',
  NO_WITNESSES: 'signed by the log; this network has no witnesses',
};

export function auditSummary(view: AuditView, shown: number): string {
  const read = view.items.length + view.failed.length;
  const failed = view.failed.length;
  const proven =
    `${view.items.length} of ${count(read, 'event')} proven against the log's checkpoint of ` +
    `${count(view.size, 'entry', 'entries')} (${WITNESSING[view.witnessing]})`;
  const failures = failed === 0 ? '' : `; ${failed} failed — see the marked ${failed === 1 ? 'row' : 'rows'}`;
  const narrowed = shown < view.items.length ? ` ${shown} shown by the filters.` : '';
  const more = view.more ? ' Older events follow; narrow by type to see them.' : '';
  return `${proven}${failures}.${narrowed} Newest first.${more}`;
}
