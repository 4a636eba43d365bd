/**
 * A thread, from the cable headers this device already holds (docs/design.md §2, "Threads"):
 * the first cable of the chain of replies that leads to the one shown, and every cable that
 * replies to it or to one of its replies (a silence procedure's objections, extensions and
 * withdrawal reply to its opening cable, so they are in its thread). Pure: the worker hands it
 * the synced inbox, whose headers were each checked against the verified directory; an
 * unverified header never joins a thread. Oldest first.
 */
import type { InboxRow } from './device-protocol.ts';

/** The longest chain of replies followed upwards: a bound, since references could loop. */
const MAX_DEPTH = 100;

export function threadOf(rows: readonly InboxRow[], id: string): InboxRow[] {
  const verified = rows.filter((r) => r.verified);
  const byReference = new Map(verified.map((r) => [r.reference, r]));
  const shown = verified.find((r) => r.id === id);
  if (!shown) return [];
  // Up to the first cable this device holds.
  let root = shown;
  const climbed = new Set([root.id]);
  for (let depth = 0; depth < MAX_DEPTH && root.replyTo !== undefined; depth++) {
    const parent = byReference.get(root.replyTo);
    if (!parent || climbed.has(parent.id)) break;
    climbed.add(parent.id);
    root = parent;
  }
  // Down to every reply of a reply.
  const children = new Map<string, InboxRow[]>();
  for (const r of verified) {
    if (r.replyTo !== undefined) children.set(r.replyTo, [...(children.get(r.replyTo) ?? []), r]);
  }
  const members = new Map([[root.id, root]]);
  const queue = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const child of children.get(next.reference) ?? []) {
      if (members.has(child.id)) continue;
      members.set(child.id, child);
      queue.push(child);
    }
  }
  return [...members.values()].sort((a, b) => a.sentAt - b.sentAt || (a.reference < b.reference ? -1 : 1));
}
