/**
 * The watch at the door of every listing of subjects (docs/design.md §8, §9): a format-4
 * cable's sealed summary is its subject and tags, so listing it is reading it. The listing
 * is served only after one `cable.listed` event naming every cable listed has committed
 * (group-committed with other listings), and the subjects new to the device have been
 * counted against the listing thresholds in the same commit. A device the count stops is
 * served nothing and told whom to call, as for a read.
 */
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { unixSeconds } from '../clock.ts';
import type { ServerContext } from '../server-context.ts';
import type { AuditRecord, ListedSummary } from '../store/store.ts';
import type { ReadOutcome } from '../store/watch-store.ts';
import { stoppedError } from './meter-read.ts';

/** Meters the listing; returns once it is on record and may be served, or throws. */
export async function meterListing(
  ctx: ServerContext,
  actor: DirectoryDevice,
  listed: readonly ListedSummary[],
): Promise<void> {
  const at = unixSeconds(ctx.clock);
  const outcome = await ctx.store.watch.meterListing({
    device: actor.device.device,
    org: actor.org.org,
    role: actor.user.role,
    at,
    cables: listed.map((l) => l.seq),
    events: (result) => listingEvents(actor, at, listed, result),
  });
  if (!outcome.served) throw stoppedError(actor, outcome.state, outcome.reason, outcome.since);
}

function listingEvents(
  actor: DirectoryDevice,
  at: number,
  listed: readonly ListedSummary[],
  outcome: ReadOutcome,
): AuditRecord[] {
  const device = { kind: 'device', id: actor.device.device, org: actor.org.org };
  const event = (
    type: 'cable.listed' | 'watch.alert' | 'watch.held' | 'watch.suspended',
    detail: Record<string, string | number | string[]>,
  ) => auditRecord({ at, type, actor: actorOf(actor), object: device, detail });
  const assessment = (a: Exclude<ReadOutcome['assessment'], { response: 'none' }>) => ({
    kind: 'listing',
    window: a.window,
    reads: Math.round(a.reads),
    limit: a.limit,
  });
  if (outcome.served) {
    // One event per listing, naming each cable listed (ids only: never a subject).
    const events = [event('cable.listed', { cables: listed.map((l) => l.id), count: listed.length })];
    if (outcome.alert && outcome.assessment.response !== 'none') {
      events.push(event('watch.alert', assessment(outcome.assessment)));
    }
    return events;
  }
  if (!outcome.changed || outcome.assessment.response === 'none') return [];
  const type = outcome.state === 'held' ? 'watch.held' : 'watch.suspended';
  return [event(type, { ...assessment(outcome.assessment), reason: outcome.reason })];
}
