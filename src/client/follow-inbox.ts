/**
 * Follows a device's live inbox (GET /inbox/stream, server-sent events): one message per
 * cable newly wrapped for the device, and a notice per overdue acknowledgement the device
 * should hear of, decoded strictly. A message only says a cable is
 * there; its header is verified when the inbox is synced and its content when it is opened.
 * A stream the server ends (a restart) is reopened with Last-Event-ID, so nothing is
 * missed; a refusal (a revoked or suspended device) ends the follow with its error.
 */

import { decodeEscalationLimit } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import { decodeTime } from '../core/api/shared-decoders.ts';
import { PRECEDENCES } from '../core/cable/precedence.ts';
import { decodeReference } from '../core/cable/reference.ts';
import { type Decoder, enumOf, type Infer, object, optional } from '../core/encoding/decode.ts';
import { decodeCableId, decodeOrgId } from '../core/encoding/identifiers.ts';
import { parseJson } from '../core/encoding/parse-json.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import { serverSentEvents } from './server-sent-events.ts';

const decodeLiveCable = object({
  id: decodeCableId,
  reference: decodeReference,
  precedence: enumOf(PRECEDENCES),
  classification: enumOf(CLASSIFICATIONS),
  from: decodeOrgId,
});
export type LiveCable = Infer<typeof decodeLiveCable>;

/** An action addressee did not acknowledge a cable in time (docs/design.md §2). */
const decodeOverdueNotice = object({
  id: decodeCableId,
  reference: decodeReference,
  precedence: enumOf(PRECEDENCES),
  /** The addressee that did not acknowledge. */
  org: decodeOrgId,
  /** The sending organisation. */
  from: decodeOrgId,
  due: decodeTime,
  at: decodeTime,
  limit: optional(decodeEscalationLimit),
});
export type OverdueNotice = Infer<typeof decodeOverdueNotice>;

/** What the live inbox tells: a new cable, or an overdue acknowledgement. */
export type InboxNews =
  | { readonly kind: 'cable'; readonly cable: LiveCable }
  | { readonly kind: 'overdue'; readonly notice: OverdueNotice };

const RECONNECT_MS = 2000;

export async function* followInbox(
  api: ApiClient,
  options: {
    readonly signal?: AbortSignal;
    /** Called each time the stream is (re)opened: the caller syncs once, then misses nothing. */
    readonly onOpen?: () => void;
  } = {},
): AsyncGenerator<InboxNews> {
  let after: string | undefined;
  for (;;) {
    let body: ReadableStream<Uint8Array>;
    try {
      body = await api.stream(ROUTES.inboxStream, {
        headers: { accept: 'text/event-stream', ...(after === undefined ? {} : { 'last-event-id': after }) },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) return;
      // An unreachable server is waited for; a refusal ends the follow with its error.
      if (!(error instanceof ClientError && error.code === 'SERVER_UNREACHABLE')) throw error;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      continue;
    }
    options.onOpen?.();
    try {
      for await (const message of serverSentEvents(body)) {
        if (message.event === 'overdue') {
          yield { kind: 'overdue', notice: decoded(message.data, decodeOverdueNotice, 'overdue') };
          continue;
        }
        if (message.event !== 'cable' || !/^\d+$/.test(message.id)) continue;
        const cable = decoded(message.data, decodeLiveCable, 'cable');
        after = message.id;
        yield { kind: 'cable', cable };
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      if (error instanceof ClientError) throw error;
      // The connection dropped: reopen it after a pause, resuming after the last cable.
    }
    if (options.signal?.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

function decoded<T>(data: string, decoder: Decoder<T>, field: string): T {
  try {
    return decoder(parseJson(data, { maxBytes: 4096, maxDepth: 4 }), field);
  } catch (cause) {
    throw new ClientError('BAD_RESPONSE', 'the inbox stream sent a message that does not decode', {
      cause,
    });
  }
}
