/**
 * Serving a live stream as server-sent events (text/event-stream): the plumbing the watch's
 * stream and a device's inbox stream share. The stream lives until the client goes away or
 * the server closes; `poll` looks in the store every `pollMs` (every app process serves a
 * stream from the store, so what any process commits reaches every stream) and sends what is
 * new; a comment line every 15 s keeps idle connections open through proxies. A store
 * failure ends the stream: the client reconnects with Last-Event-ID and misses nothing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const HEARTBEAT_MS = 15_000;

export interface EventMessage {
  /**
   * The position a reconnecting client sends back as Last-Event-ID; a message without one
   * (a live notice) leaves the client's position where it was.
   */
  readonly id?: number;
  readonly event: string;
  /** One line of JSON. */
  readonly data: string;
}

export async function serveEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    /** Named in the stream's first comment line and in the log. */
    readonly name: string;
    readonly pollMs: number;
    /** Aborted when the server closes: every stream ends so the close can finish. */
    readonly closing: AbortSignal;
  },
  /** Sends what is new; true when it sent a full page and should be called again at once. */
  poll: (send: (message: EventMessage) => void) => Promise<boolean>,
): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  out.write(`: valise ${options.name}\n\n`);
  let open = !options.closing.aborted;
  const stop = () => {
    open = false;
  };
  // The response's close, not the request's: a request emits 'close' once its (empty) body
  // has been read, while the response closes when the client goes away.
  out.on('close', stop);
  options.closing.addEventListener('abort', stop);
  let quiet = 0;
  const send = (message: EventMessage) => {
    const id = message.id === undefined ? '' : `id: ${message.id}\n`;
    out.write(`${id}event: ${message.event}\ndata: ${message.data}\n\n`);
    quiet = 0;
  };
  try {
    while (open) {
      if (await poll(send)) continue;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
      quiet += options.pollMs;
      if (quiet >= HEARTBEAT_MS) {
        out.write(': still here\n\n');
        quiet = 0;
      }
    }
  } catch (error) {
    request.log.warn({ err: error }, `${options.name} ended by a store error`);
  } finally {
    options.closing.removeEventListener('abort', stop);
    out.end();
  }
}
