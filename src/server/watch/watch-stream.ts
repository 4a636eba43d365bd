/**
 * The officers' live stream of watch events (server-sent events). Every app process serves
 * it from the committed log, so an alert raised by any process over one database reaches
 * every officer's stream: the stream looks for new events of the organisation every half
 * second (on the server; the browser and `valise watch` hold one open request) and pushes
 * each `watch.*` event as one SSE message whose data is the event's canonical JSON, with its
 * leaf index as the message id (a reconnecting client sends it back as Last-Event-ID).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { serveEventStream } from '../event-stream.ts';
import type { ServerContext } from '../server-context.ts';

const POLL_MS = 500;
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
  await serveEventStream(request, reply, { name: 'watch stream', pollMs: POLL_MS, closing }, async (send) => {
    const leaves = await log.events({ after, below: Number.MAX_SAFE_INTEGER, limit: PAGE, org });
    for (const leaf of leaves) {
      after = leaf.index;
      if (!leaf.type.startsWith('watch.')) continue;
      send({ id: leaf.index, event: leaf.type, data: new TextDecoder().decode(leaf.event) });
    }
    return leaves.length === PAGE;
  });
}
