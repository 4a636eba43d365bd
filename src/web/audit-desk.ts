/**
 * The audit page's work in the worker (docs/design.md §8): the organisation's events read page
 * by page, each proven against a signed checkpoint, and written as sentences with names from
 * the verified directory. An event that does not prove is kept, in its place, as a failed row
 * saying what failed: the page lists every other event all the same.
 */
import {
  type CheckpointWitnessing,
  EVENT_FAILURE_WORDS,
  type FailedEvent,
  type ProvenEvent,
  auditEvents as provenEvents,
} from '../client/audit-events.ts';
import type { DeviceSession } from '../client/open-session.ts';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import { type AuditNames, auditSentence } from './audit-sentence.ts';
import type { DeviceContext } from './device-context.ts';
import type { AuditRow, AuditView } from './device-protocol.ts';

/** The audit page reads at most this many pages of 1000 events. */
const AUDIT_PAGES = 10;

/** Audit events in log order, page by page, each proven against its own (newer) checkpoint; newest first. */
export async function auditEvents(
  device: DeviceContext,
  filter: { readonly type?: string; readonly org?: string },
): Promise<AuditView> {
  const session = device.live();
  const type = filter.type?.trim();
  const org = filter.org?.trim();
  const items: ProvenEvent[] = [];
  const failed: FailedEvent[] = [];
  const gaps: number[] = [];
  const unproven: { from: number; to: number }[] = [];
  let size = 0;
  let witnessing: CheckpointWitnessing = 'NO_WITNESSES';
  let after: number | undefined;
  let pages = 0;
  do {
    const page = await provenEvents({
      session,
      limit: 1000,
      ...(after !== undefined ? { after } : {}),
      ...(type ? { type } : {}),
      ...(org ? { org } : {}),
    });
    items.push(...page.items);
    failed.push(...page.failed);
    gaps.push(...page.gaps);
    if (page.unproven) unproven.push(page.unproven);
    size = page.size;
    witnessing = page.witnessing;
    after = page.next;
    pages += 1;
  } while (after !== undefined && pages < AUDIT_PAGES);
  const names = directoryNames(session.directory);
  const witness = session.witness;
  return {
    items: items.reverse().map((proven) => auditRow(proven, names)),
    failed: failed.reverse().map(({ leaf, failure }) => ({ leaf, what: EVENT_FAILURE_WORDS[failure] })),
    size,
    witnessing,
    unproven,
    more: after !== undefined,
    // docs/design.md §8: leaves the server did not serve are shown, never skipped.
    gaps,
    ...(witness.kind === 'WITNESSES_LAG' ? { witnessLag: witness.message } : {}),
  };
}

function directoryNames(directory: DeviceSession['directory']): AuditNames {
  return {
    person: (user) => directory.user(user)?.name,
    device: (device) => {
      const entry = directory.device(device);
      return entry ? { label: entry.device.label, owner: entry.user.name } : undefined;
    },
  };
}

function auditRow({ leaf, event }: ProvenEvent, names: AuditNames): AuditRow {
  let dtg: string;
  try {
    dtg = formatDateTimeGroup(event.at);
  } catch {
    dtg = new Date(event.at * 1000).toISOString();
  }
  return {
    leaf,
    at: event.at,
    dtg,
    type: event.type,
    actor: { ...event.actor },
    object: { ...event.object },
    detail: JSON.stringify(event.detail),
    sentence: auditSentence(event, names),
    ...(event.actor.user ? { person: names.person(event.actor.user) ?? event.actor.user } : {}),
    ...(typeof event.detail.reference === 'string' ? { reference: event.detail.reference } : {}),
  };
}
