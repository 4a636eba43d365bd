/**
 * The watch at the door of every signed request (docs/design.md §9): once a request's
 * signature, body and nonce have verified, its sequence number and network origin are
 * observed in one committed transaction. A number seen twice or far behind means two
 * copies of the device key are in use: the device is suspended and the request refused. A
 * new network, or two at once, adds to the device's score; an alert goes to its officers.
 *
 * Observed after the nonce is used up, not before: a replayed request is refused as a
 * replay and never reads as a clone, so no one who captured a request can get a device
 * suspended by sending it again.
 */
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { originPrefix } from '../../core/watch/watch-signals.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { unixSeconds } from '../clock.ts';
import type { ServerContext } from '../server-context.ts';
import type { AuditRecord } from '../store/store.ts';
import type { RequestOutcome } from '../store/watch-store.ts';
import { signalDetail, stoppedError } from './meter-read.ts';

export async function observeRequest(
  ctx: ServerContext,
  actor: DirectoryDevice,
  sequence: number,
  address: string,
  /** The route is the passkey step-up, which a held device may still call. */
  heldMayCall = false,
): Promise<void> {
  const at = unixSeconds(ctx.clock);
  const outcome = await ctx.store.watch.observeRequest({
    device: actor.device.device,
    org: actor.org.org,
    at,
    sequence,
    origin: originPrefix(address),
    heldMayCall,
    events: (result) => watchEvents(actor, at, result),
  });
  if (!outcome.allowed) throw stoppedError(actor, outcome.state, outcome.reason, outcome.since);
}

function watchEvents(actor: DirectoryDevice, at: number, outcome: RequestOutcome): AuditRecord[] {
  const object = { kind: 'device', id: actor.device.device, org: actor.org.org };
  if (outcome.allowed) {
    if (!outcome.alert) return [];
    return [
      auditRecord({
        at,
        type: 'watch.alert',
        actor: actorOf(actor),
        object,
        detail: signalDetail(outcome.alert),
      }),
    ];
  }
  if (!outcome.changed || !outcome.signal) return [];
  return [
    auditRecord({
      at,
      type: outcome.state === 'held' ? 'watch.held' : 'watch.suspended',
      actor: actorOf(actor),
      object,
      detail: { ...signalDetail(outcome.signal), reason: outcome.reason },
    }),
  ];
}
