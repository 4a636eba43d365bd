/**
 * Follows the watch's live stream (docs/design.md §9; GET /watch/stream, server-sent events)
 * for a security officer or the network authority: each message is one `watch.*` audit event,
 * decoded with the log's own strict decoder, so a client never acts on an event it could not
 * also verify in the log. A stream the server ends (a restart, a store failure) is reopened
 * with Last-Event-ID, so nothing is missed; a refusal (not an officer) ends the follow.
 */
import { ROUTES } from '../core/api/routes.ts';
import { type LogEvent, parseLogEvent } from '../core/log/log-event.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import { serverSentEvents } from './server-sent-events.ts';

export interface WatchMessage {
  /** The event's leaf index in the audit log. */
  readonly leaf: number;
  readonly event: LogEvent;
}

/** The watch's events that are no alarm: officers' and passkey acts that end or tune one. */
const CALM_TYPES = ['watch.released', 'watch.thresholds', 'watch.stepped-up'];

/** True for an event that tells officers something is wrong (alert, hold, suspension, …). */
export function isAlarm(event: Pick<LogEvent, 'type'>): boolean {
  return event.type.startsWith('watch.') && !CALM_TYPES.includes(event.type);
}

const RECONNECT_MS = 1000;

export async function* followWatch(
  api: ApiClient,
  options: {
    readonly org?: string;
    readonly signal?: AbortSignal;
    readonly after?: number;
    /** Called each time the stream is (re)opened: from then on nothing is missed. */
    readonly onOpen?: () => void;
  } = {},
): AsyncGenerator<WatchMessage> {
  let after = options.after;
  let opened = false;
  for (;;) {
    let body: ReadableStream<Uint8Array>;
    try {
      body = await api.stream(ROUTES.watchStream, {
        ...(options.org ? { query: { org: options.org } } : {}),
        headers: {
          accept: 'text/event-stream',
          ...(after === undefined ? {} : { 'last-event-id': String(after) }),
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) return;
      // A server that went away after the stream was open (a restart) is waited for; a
      // first connection that fails, or any refusal, ends the follow with its error.
      if (!(opened && error instanceof ClientError && error.code === 'SERVER_UNREACHABLE')) throw error;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      continue;
    }
    opened = true;
    options.onOpen?.();
    try {
      for await (const message of serverSentEvents(body)) {
        const leaf = Number(message.id);
        if (!Number.isSafeInteger(leaf) || message.data === '') continue;
        let event: LogEvent;
        try {
          event = parseLogEvent(message.data);
        } catch (cause) {
          throw new ClientError(
            'BAD_RESPONSE',
            `the watch stream sent an event the log would refuse (leaf ${leaf})`,
            {
              cause,
            },
          );
        }
        after = leaf;
        yield { leaf, event };
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      if (error instanceof ClientError) throw error;
      // The connection dropped: reopen it after a pause, resuming after the last event.
    }
    if (options.signal?.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

/** One line for a person: when, what, which device of whom, and why. */
export function describeWatchEvent(event: LogEvent): string {
  const when = new Date(event.at * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const what = event.type.replace(/^watch\./, '').toUpperCase();
  const d = event.detail;
  const who = `${event.object.org ?? event.actor.org ?? '?'} ${typeof d.user === 'string' ? d.user : (event.actor.user ?? '?')}`;
  const why =
    typeof d.reads === 'number' && typeof d.limit === 'number'
      ? `${d.reads} ${String(d.kind ?? 'read')} reads in a ${String(d.window ?? 'window')} (limit ${d.limit})`
      : typeof d.reason === 'string'
        ? d.reason
        : '';
  const by = event.actor.device !== event.object.id && event.actor.user ? ` by ${event.actor.user}` : '';
  return `${when}Z  ${what.padEnd(10)} ${who} device ${event.object.id}${by}${why ? `: ${why}` : ''}`;
}
