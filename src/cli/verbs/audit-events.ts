/** `valise audit events`: the audit log's events of your organisation (all, for the network authority), each proven. */
import { auditEvents, EVENT_FAILURE_WORDS, type FailedEvent } from '../../client/audit-events.ts';
import { ClientError } from '../../client/client-error.ts';
import { formatDateTimeGroup } from '../../core/encoding/date-time-group.ts';
import { CliError } from '../cli-error.ts';
import { flag, orgId, positiveInteger, text } from '../option-values.ts';
import { deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const auditEventsVerb: Verb = {
  name: 'audit events',
  summary: "list audit events (security officers: your organisation's; network authority: all), each proven",
  synopsis: '[--after <leaf>] [--limit 100] [--type <type>] [--org <ORG>] [--all]',
  help: [
    '--after <leaf>  events after this leaf (the number printed at the end of a page)',
    '--limit <n>     events per page, at most 1000 (default 100)',
    '--type <type>   only this type (cable.fetched, request.refused, log.alert, …)',
    '--org <ORG>     another organisation (network authority only)',
    '--all           follow every page to the end',
    'Each event is checked against its inclusion proof in a checkpoint signed by the pinned',
    'log key that extends the newest one this device saw.',
  ],
  options: {
    after: { type: 'string' },
    limit: { type: 'string' },
    type: { type: 'string' },
    org: { type: 'string' },
    all: { type: 'boolean' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const after = text(values, 'after');
    const limit = text(values, 'limit');
    const type = text(values, 'type');
    const org = text(values, 'org');
    const session = await deviceSession(cli, profile);
    const items = [];
    const failed: FailedEvent[] = [];
    const gaps: number[] = [];
    const unproven: { from: number; to: number }[] = [];
    let next: number | undefined = after === undefined ? undefined : leafIndex(after);
    let size = 0;
    do {
      const page = await auditEvents({
        session,
        ...(next !== undefined ? { after: next } : {}),
        ...(limit ? { limit: positiveInteger(limit, 'limit', 1000) } : {}),
        ...(type ? { type } : {}),
        ...(org ? { org: orgId(org, '--org') } : {}),
      });
      items.push(...page.items);
      failed.push(...page.failed);
      gaps.push(...page.gaps);
      if (page.unproven) unproven.push(page.unproven);
      size = page.size;
      next = page.next;
    } while (flag(values, 'all') && next !== undefined);
    const rows = items.map(({ leaf, event }) => {
      const who = [event.actor.org, event.actor.user, event.actor.device].filter(Boolean).join('/') || '-';
      const what = `${event.object.kind} ${event.object.id}`;
      return {
        leaf,
        line: `${leaf}  ${formatDateTimeGroup(event.at)}  ${event.type}  ${who}  ${what}  ${JSON.stringify(event.detail)}`,
      };
    });
    // docs/design.md §8: a gap or an event that does not prove is shown where it is, never
    // skipped, and the listing ends in an error once every line is printed.
    for (const leaf of gaps)
      rows.push({ leaf, line: `${leaf}  MISSING: the server did not serve this event` });
    for (const { leaf, failure } of failed)
      rows.push({ leaf, line: `${leaf}  NOT PROVEN: ${EVENT_FAILURE_WORDS[failure]}` });
    const lines = rows.sort((a, b) => a.leaf - b.leaf).map((r) => r.line);
    const problem = listingProblem(failed, gaps, unproven);
    if (problem) {
      if (!values.json) {
        lines.push(
          `${items.length} of ${items.length + failed.length} events proven against the checkpoint of ${size} entries`,
        );
        cli.stdout(`${lines.join('\n')}\n`);
      }
      throw problem;
    }
    if (lines.length === 0) lines.push('no events');
    lines.push(`proven against the checkpoint of ${size} entries`);
    if (next !== undefined) lines.push(`more: valise audit events --after ${next}`);
    return {
      json: { size, items, ...(next !== undefined ? { next } : {}) },
      text: lines,
    };
  },
};

/** What is wrong with the listing as a whole, if anything: the error the command ends with. */
function listingProblem(
  failed: readonly FailedEvent[],
  gaps: readonly number[],
  unproven: readonly { readonly from: number; readonly to: number }[],
): ClientError | undefined {
  const advice = 'the log may have been altered; keep the database as it is and tell the security officers';
  if (failed.length > 0) {
    const leaves = failed.map((f) => f.leaf).join(', ');
    return new ClientError(
      'LOG_PROOF_INVALID',
      `${failed.length === 1 ? 'event' : 'events'} ${leaves} of the audit log did not prove (marked NOT PROVEN above): ${advice}`,
    );
  }
  if (gaps.length > 0) {
    return new ClientError(
      'LOG_INCOMPLETE',
      `the audit log is missing ${gaps.length === 1 ? 'event' : 'events'} ${gaps.join(', ')}: they were deleted or withheld; keep the database as it is and tell the security officers`,
    );
  }
  if (unproven.length > 0) {
    const runs = unproven.map((r) => `${r.from}–${r.to - 1}`).join(', ');
    return new ClientError(
      'LOG_PROOF_INVALID',
      `the audit log's leaves ${runs} do not rebuild its checkpoint, so events may be left out: ${advice}`,
    );
  }
  return undefined;
}

function leafIndex(value: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new CliError('USAGE', '--after must be a leaf number (0 or more)');
  }
  return Number(value);
}
