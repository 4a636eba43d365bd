/**
 * The watch at the door of every signed request (docs/design.md §9): once a request's
 * signature, body and nonce have verified, its sequence number and network origin are
 * observed in one committed transaction. A number seen twice or far behind means two
 * copies of the device key are in use: the device is suspended and the request refused. A
 * new network, or two at once, adds to the device's score; an alert goes to its officers.
 *
 * Observed after the nonce is used up, not before: a replayed request is refused as a
 * replay and never reads as a clone, so no one who captured a request can get a device
 * suspended by sending it again. `observingNonces` takes the nonce and observes the request
 * in one group-committed transaction (the nonce first, the observation only if it was
 * taken), so verification still ends with the nonce and a request costs one durable commit.
 */
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { originPrefix } from '../../core/watch/watch-signals.ts';
import type { NonceStore } from '../../core/wire/nonce-store.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { unixSeconds } from '../clock.ts';
import type { ServerContext } from '../server-context.ts';
import type { AuditRecord } from '../store/store.ts';
import type { RequestOutcome } from '../store/watch-store.ts';
import { signalDetail, stoppedError } from './meter-read.ts';

/**
 * The NonceStore for one authenticated request's last step (core/wire finishRequest): taking
 * the nonce observes the request in the same commit. Once verification has returned,
 * `settle` throws when the watch stopped the device; it must be called before the route runs.
 */
export function observingNonces(
  ctx: ServerContext,
  actor: DirectoryDevice,
  sequence: number,
  address: string,
  heldMayCall = false,
): { readonly nonces: NonceStore; settle(): void } {
  let outcome: RequestOutcome | undefined;
  const nonces: NonceStore = {
    consume: async (keyId, nonce, expiresAt) => {
      const at = unixSeconds(ctx.clock);
      const signed = await ctx.store.watch.observeSigned({
        device: actor.device.device,
        org: actor.org.org,
        at,
        sequence,
        origin: originPrefix(address),
        heldMayCall,
        events: (result) => watchEvents(actor, at, result),
        nonce: { keyId, nonce, expiresAt, now: at },
      });
      if (signed.taken) outcome = signed.outcome;
      return signed.taken;
    },
  };
  return {
    nonces,
    settle() {
      if (!outcome) throw new TypeError('the request was not verified before its watch outcome was asked');
      if (!outcome.allowed) throw stoppedError(actor, outcome.state, outcome.reason, outcome.since);
    },
  };
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
