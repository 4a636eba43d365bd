/**
 * The sender's delivery board (docs/design.md §2): per addressee organisation of a cable,
 * whether a device of it fetched the cable (the first fetch, when), acknowledged it (by whom,
 * when), when an action addressee's acknowledgement is due under the network's limit for
 * the cable's precedence, and whether it is overdue by this server's clock. Every delivery,
 * acknowledgement and escalation comes with its log event and the event's inclusion proof
 * in the newest checkpoint, so the sender's client believes only what the log proves.
 */
import type { AckBoard, AckStatus } from '../../core/api/cable-routes.ts';
import { dueAt, escalationLimit } from '../../core/cable/escalation.ts';
import { PRECEDENCES } from '../../core/cable/precedence.ts';
import { DEFAULT_WORKING_HOURS } from '../../core/watch/working-hours.ts';
import { unixSeconds } from '../clock.ts';
import type { Checkpointer } from '../log/checkpointer.ts';
import { provenEvents } from '../log/proven-events.ts';
import type { ServerContext } from '../server-context.ts';
import type { LogLeaf } from '../store/log-store.ts';
import type { CableRecord } from '../store/store.ts';

export async function deliveryBoard(
  ctx: Pick<ServerContext, 'store' | 'clock' | 'limits'>,
  checkpointer: Pick<Checkpointer, 'checkpoint'>,
  cable: CableRecord,
): Promise<AckBoard> {
  const now = unixSeconds(ctx.clock);
  const precedence = PRECEDENCES.find((p) => p === cable.precedence) ?? 'ROUTINE';
  const limit = escalationLimit(ctx.limits.escalation, precedence);
  const acks = new Map((await ctx.store.acks(cable.seq)).map((a) => [a.org, a]));
  const delivered = new Map((await ctx.store.deliveries.deliveries(cable.seq)).map((d) => [d.org, d]));
  const escalated = new Map((await ctx.store.deliveries.escalations(cable.seq)).map((e) => [e.org, e]));
  const items: AckStatus[] = [];
  const leaves = new Set<number>();
  for (const { org, role } of cable.distribution) {
    const ack = acks.get(org);
    const delivery = delivered.get(org);
    const escalation = escalated.get(org);
    const due =
      limit && role === 'action' && org !== cable.org
        ? dueAt(limit, cable.acceptedAt, (await ctx.store.watch.hours(org)) ?? DEFAULT_WORKING_HOURS)
        : undefined;
    if (delivery) leaves.add(delivery.leaf);
    if (escalation) leaves.add(escalation.leaf);
    const ackLeaf = ack && (ack.leaf ?? (await ctx.store.deliveries.ackLeaf(cable, ack)));
    if (ackLeaf !== undefined) leaves.add(ackLeaf);
    items.push({
      org,
      role,
      acknowledged: ack !== undefined,
      ...(ack ? { by: { user: ack.user, device: ack.device }, at: ack.at } : {}),
      ...(delivery ? { delivered: { at: delivery.at, device: delivery.device } } : {}),
      ...(due !== undefined ? { due } : {}),
      overdue: !ack && (escalation !== undefined || (due !== undefined && now >= due)),
      ...(escalation ? { escalated: escalation.at } : {}),
    });
  }
  // Signed after the rows were read, so it covers every event they name.
  const checkpoint = await checkpointer.checkpoint();
  const read: LogLeaf[] = [];
  for (const leaf of [...leaves].filter((l) => l < checkpoint.size).sort((a, b) => a - b)) {
    read.push(...(await ctx.store.log.leaves(leaf, leaf + 1)));
  }
  return {
    items,
    precedence,
    ...(limit ? { limit } : {}),
    now,
    ...(await provenEvents(ctx.store, checkpoint, read)),
  };
}
