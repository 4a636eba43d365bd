/**
 * The thread a cable belongs to (docs/design.md §2, "Threads"): the first cable of its chain of
 * replies and every reply to it or to its replies, oldest first, with the acknowledgements of
 * the thread's cables this organisation sent. Each reference is a link. The worker builds it
 * from the headers this device holds (src/web/thread-desk.ts), so a reply this device may not
 * see is not in it.
 */
import { useEffect, useState } from 'react';
import type { DeviceClient } from './device-client.ts';
import type { ThreadEntry } from './device-protocol.ts';
import { ReferenceLink } from './reference-link.tsx';

/** How a silence-procedure act reads in a thread. */
const ACTS: Readonly<Record<string, string>> = {
  open: 'silence procedure opened',
  extend: 'deadline extended',
  withdraw: 'text withdrawn',
  object: 'silence broken',
};

export function CableThread(props: { readonly device: DeviceClient; readonly id: string }) {
  const { device, id } = props;
  const [entries, setEntries] = useState<readonly ThreadEntry[]>([]);
  useEffect(() => {
    let live = true;
    setEntries([]);
    // A thread that cannot be built is left out: the cable itself is what the page is for.
    device.call('thread', id).then(
      (found) => {
        if (live) setEntries(found);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [device, id]);
  if (entries.length === 0) return null;
  return (
    <section className="thread" data-testid="thread" aria-labelledby="thread-title">
      <h2 id="thread-title">Thread</h2>
      <ol>
        {entries.map((e) =>
          e.kind === 'cable' ? (
            <li
              key={e.id}
              data-testid="thread-cable"
              data-reference={e.reference}
              aria-current={e.id === id ? 'true' : undefined}
            >
              {e.id === id ? (
                <strong className="ref">{e.reference}</strong>
              ) : (
                <a href={`#/cable/${e.id}`} className="ref" data-testid="thread-link">
                  {e.reference}
                </a>
              )}{' '}
              <span className="muted">
                {e.dtg} · from {e.from} · {e.classification}
                {e.silence ? ` · ${ACTS[e.silence] ?? e.silence}` : ''}
              </span>
              <br />
              {e.subject ?? <span className="muted">(not opened on this device)</span>}
              {e.replyTo && (
                <span className="muted">
                  {' '}
                  · reply to <ReferenceLink reference={e.replyTo} />
                </span>
              )}
            </li>
          ) : (
            <li
              key={`ack-${e.id}-${e.org}`}
              data-testid="thread-ack"
              data-org={e.org}
              data-reference={e.reference}
            >
              <span className="muted">{e.dtg}</span> · {e.org} acknowledged{' '}
              <a href={`#/cable/${e.id}`} className="ref">
                {e.reference}
              </a>
              {e.by ? ` (${e.by})` : ''}
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
