/**
 * A device's live inbox (server-sent events): one message per cable newly wrapped for the
 * device, so every page of the web app learns of a FLASH cable at once instead of at the next
 * poll. It carries what the inbox list already shows (reference, precedence, classification,
 * sender organisation), never content. Every app process serves it from the store, so a cable
 * accepted by any process over one database reaches every stream: the stream looks for new
 * wraps of the device every second and sends each as a message whose id is the cable's
 * sequence number (a reconnecting client sends it back as Last-Event-ID and misses nothing).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatReference } from '../core/cable/reference.ts';
import type { DirectoryDevice } from '../core/identity/directory.ts';
import type { ServerContext } from './server-context.ts';

const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;
const PAGE = 100;

export async function inboxStream(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: DirectoryDevice,
  /** Aborted when the server closes: every stream ends so the close can finish. */
  closing: AbortSignal,
): Promise<void> {
  const query = { device: actor.device.device, org: actor.org.org };
  const resume = Number(request.headers['last-event-id']);
  // A new stream starts after the newest cable the device holds: it tells what arrives from now on.
  let after = Number.isSafeInteger(resume) && resume >= 0 ? resume : await newest();
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  out.write(': valise inbox stream\n\n');
  let open = !closing.aborted;
  const stop = () => {
    open = false;
  };
  // The response's close, not the request's: the client going away ends the stream.
  out.on('close', stop);
  closing.addEventListener('abort', stop);
  let quiet = 0;
  try {
    while (open) {
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
        out.write(`id: ${cable.seq}\nevent: cable\ndata: ${JSON.stringify(message)}\n\n`);
        quiet = 0;
      }
      if (rows.length === PAGE) continue;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      quiet += POLL_MS;
      if (quiet >= HEARTBEAT_MS) {
        out.write(': still here\n\n');
        quiet = 0;
      }
    }
  } catch (error) {
    // The store closed or failed under the stream: end it; the client reconnects and misses nothing.
    request.log.warn({ err: error }, 'inbox stream ended by a store error');
  } finally {
    closing.removeEventListener('abort', stop);
    out.end();
  }

  async function newest(): Promise<number> {
    const [last] = await ctx.store.inbox({ ...query, limit: 1 });
    return last?.cable.seq ?? 0;
  }
}
