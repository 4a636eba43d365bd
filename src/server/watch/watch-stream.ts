/**
 * The officers' live stream of watch events (server-sent events). Every app process serves
 * it from the committed log, so an alert raised by any process over one database reaches
 * every officer's stream: the stream looks for new events of the organisation every half
 * second (on the server; the browser and `valise watch` hold one open request) and pushes
 * each `watch.*` event as one SSE message whose data is the event's canonical JSON, with its
 * leaf index as the message id (a reconnecting client sends it back as Last-Event-ID).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../server-context.ts';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;
const PAGE = 500;

export async function watchStream(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  org: string,
  /** Aborted when the server closes: every stream ends so the close can finish. */
  closing: AbortSignal,
): Promise<void> {
  const log = ctx.store.log;
  const resume = Number(request.headers['last-event-id']);
  // A new stream starts at the log's end: officers want what happens from now on.
  let after = Number.isSafeInteger(resume) && resume >= -1 ? resume : (await log.size()) - 1;
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  out.write(': valise watch stream\n\n');
  let open = !closing.aborted;
  const stop = () => {
    open = false;
  };
  // The response's close, not the request's: a request emits 'close' once its (empty) body
  // has been read, while the response closes when the client goes away.
  out.on('close', stop);
  closing.addEventListener('abort', stop);
  let quiet = 0;
  try {
    await follow();
  } catch (error) {
    // The store closed or failed under the stream: end it; the client reconnects with
    // Last-Event-ID and misses nothing.
    request.log.warn({ err: error }, 'watch stream ended by a store error');
  } finally {
    closing.removeEventListener('abort', stop);
    out.end();
  }

  async function follow(): Promise<void> {
    while (open) {
      const leaves = await log.events({ after, below: Number.MAX_SAFE_INTEGER, limit: PAGE, org });
      for (const leaf of leaves) {
        after = leaf.index;
        if (!leaf.type.startsWith('watch.')) continue;
        out.write(
          `id: ${leaf.index}\nevent: ${leaf.type}\ndata: ${new TextDecoder().decode(leaf.event)}\n\n`,
        );
        quiet = 0;
      }
      if (leaves.length === PAGE) continue;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      quiet += POLL_MS;
      if (quiet >= HEARTBEAT_MS) {
        out.write(': still here\n\n');
        quiet = 0;
      }
    }
  }
}
