/**
 * The watch at the door of every read (docs/design.md §9): a cable's content or an
 * attachment is served only after the store has metered the read and put it on record in
 * one commit. A read the watch stops is not served and says, in plain words, what happened
 * and whom to call: a security officer of the device's organisation.
 */
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { unixSeconds } from '../clock.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { AuditRecord } from '../store/store.ts';
import type { ReadKind, ReadOutcome, SignalAlarm } from '../store/watch-store.ts';

export interface ReadRequest {
  readonly actor: DirectoryDevice;
  readonly kind: ReadKind;
  /** The cable read: canaries and old archive are told by it. */
  readonly cable: { readonly id: string; readonly seq: number; readonly acceptedAt: number };
  /** The event recording the read, written only if the read is served. */
  readonly fetched: AuditRecord;
}

/** Meters the read; returns once it is on record and may be served, or throws. */
export async function meterRead(ctx: ServerContext, read: ReadRequest): Promise<void> {
  const { actor } = read;
  const at = unixSeconds(ctx.clock);
  const outcome = await ctx.store.watch.meterRead({
    device: actor.device.device,
    org: actor.org.org,
    role: actor.user.role,
    user: actor.user.user,
    groups: actor.user.groups,
    at,
    kind: read.kind,
    cable: read.cable,
    events: (result) => watchEvents(actor, at, read, result),
  });
  if (!outcome.served) throw stoppedError(actor, outcome.state, outcome.reason, outcome.since);
}

/** The error a stopped device gets, on a read or on any request while it is stopped. */
export function stoppedError(
  actor: DirectoryDevice,
  state: 'held' | 'suspended',
  reason: string,
  since: number,
): ServerError {
  const when = new Date(since * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const org = actor.org.org;
  const why = reason === '' ? '' : ` (${reason})`;
  return state === 'held'
    ? new ServerError(
        'DEVICE_HELD',
        `this device was held at ${when}Z${why}; ask a security officer of ${org} to check and release it`,
        { extra: { since } },
      )
    : new ServerError(
        'DEVICE_SUSPENDED',
        `this device was suspended at ${when}Z${why} and its sessions ended; call a security officer of ${org}`,
        { extra: { since } },
      );
}

function watchEvents(
  actor: DirectoryDevice,
  at: number,
  read: ReadRequest,
  outcome: ReadOutcome,
): AuditRecord[] {
  const object = { kind: 'device', id: actor.device.device, org: actor.org.org };
  const event = (type: Parameters<typeof auditRecord>[0]['type'], detail: Record<string, string | number>) =>
    auditRecord({ at, type, actor: actorOf(actor), object, detail });
  if (outcome.served) {
    const events = [read.fetched];
    if (outcome.alert && outcome.signal) {
      events.push(event('watch.alert', signalDetail(outcome.signal)));
    } else if (outcome.alert && outcome.assessment.response !== 'none') {
      events.push(event('watch.alert', assessmentDetail(outcome.assessment, read.kind)));
    }
    return events;
  }
  // A read refused in a state the device was already in is not an event: the state's event
  // was written when it was entered.
  if (!outcome.changed) return [];
  const type = outcome.state === 'held' ? 'watch.held' : 'watch.suspended';
  if (outcome.signal) return [event(type, { ...signalDetail(outcome.signal), reason: outcome.reason })];
  if (outcome.assessment.response === 'none') return [];
  return [event(type, { ...assessmentDetail(outcome.assessment, read.kind), reason: outcome.reason })];
}

/** The detail of a signal's event: which signal, what it saw, the device's score. */
export function signalDetail(alarm: SignalAlarm): Record<string, string | number> {
  return { signal: alarm.finding.kind, ...alarm.finding.detail, score: alarm.score };
}

function assessmentDetail(
  assessment: Exclude<ReadOutcome['assessment'], { response: 'none' }>,
  kind: ReadKind,
): Record<string, string | number> {
  return {
    kind,
    window: assessment.window,
    reads: Math.round(assessment.reads),
    limit: assessment.limit,
  };
}
