/**
 * A device's live inbox (server-sent events): one message per cable newly wrapped for the
 * device, so every page of the web app learns of a FLASH cable at once instead of at the next
 * poll. It carries what the inbox list already shows (reference, precedence, classification,
 * sender organisation), never content. The stream looks for new wraps of the device every
 * second; each message's id is the cable's sequence number, so a reconnecting client sends
 * it back as Last-Event-ID and misses nothing.
 *
 * The same stream carries `overdue` notices (docs/design.md §2): an action addressee did not
 * acknowledge in time. A registry device hears of its organisation's overdue cables both
 * ways (its cables others have not acknowledged, and cables it has not); the sender's own
 * devices hear of theirs. Notices carry no id: they are live news, not a position in the
 * inbox, and the delivery board and the log keep the record.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { escalationLimit } from '../core/cable/escalation.ts';
import { formatReference } from '../core/cable/reference.ts';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import { serveEventStream } from './event-stream.ts';
import type { ServerContext } from './server-context.ts';

const POLL_MS = 1000;
const PAGE = 100;

export async function inboxStream(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: DirectoryDevice,
  closing: AbortSignal,
): Promise<void> {
  const query = { device: actor.device.device, org: actor.org.org };
  const resume = Number(request.headers['last-event-id']);
  // A new stream starts after the newest cable the device holds: it tells what arrives from now on.
  let after =
    Number.isSafeInteger(resume) && resume >= 0
      ? resume
      : ((await ctx.store.inbox({ ...query, limit: 1 }))[0]?.cable.seq ?? 0);
  // Overdue notices are live only: a stream tells those recorded after it opened.
  let noticesAfter = await ctx.store.deliveries.lastNotice();
  const listener = {
    org: actor.org.org,
    user: actor.user.user,
    registry: actor.user.role === 'registry',
  };
  await serveEventStream(request, reply, { name: 'inbox stream', pollMs: POLL_MS, closing }, async (send) => {
    const notices = await ctx.store.deliveries.notices({ ...listener, after: noticesAfter, limit: PAGE });
    for (const notice of notices) {
      noticesAfter = notice.seq;
      const message = {
        id: notice.cable,
        reference: notice.reference,
        precedence: notice.precedence,
        org: notice.org,
        from: notice.senderOrg,
        due: notice.dueAt,
        at: notice.at,
        limit: escalationLimit(ctx.limits.escalation, notice.precedence),
      };
      send({ event: 'overdue', data: JSON.stringify(message) });
    }
    const rows = await ctx.store.inbox({ ...query, limit: PAGE, after });
    // The store answers newest first; the stream tells them in the order they arrived.
    for (const { cable } of rows.reverse()) {
      after = Math.max(after, cable.seq);
      const message = {
        id: cable.id,
        reference: formatReference(cable),
        precedence: cable.precedence,
        classification: cable.classification,
        from: cable.org,
      };
      send({ id: cable.seq, event: 'cable', data: JSON.stringify(message) });
    }
    return rows.length === PAGE || notices.length === PAGE;
  });
}
