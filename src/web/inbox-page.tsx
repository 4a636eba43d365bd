/**
 * The inbox: highest precedence first, then newest, read from the local encrypted snapshot
 * at once and then brought up to date from the server. Subjects and tags show before a
 * cable is opened when it is of format 4 (its sealed summary, opened in the worker). Markers:
 * unread (never opened on this device, and not sent from it), action required (an action
 * addressee that has not acknowledged), unacknowledged, and a header or subject whose
 * signature does not verify. Search runs over the local index only: the subjects and tags
 * listed here, and the text of the cables opened here.
 */
import { useCallback, useEffect, useState } from 'react';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import type { DeviceClient } from './device-client.ts';
import type { InboxRow, Me, SearchHit } from './device-protocol.ts';
import { go } from './hash-route.ts';
import { count } from './plain-words.ts';

const PAGE = 200;

export function InboxPage(props: {
  readonly device: DeviceClient;
  readonly me: Me;
  readonly onError: (e: unknown) => void;
}) {
  const { device, onError } = props;
  const [items, setItems] = useState<readonly InboxRow[] | undefined>();
  const [shown, setShown] = useState(PAGE);
  const [syncing, setSyncing] = useState(false);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<readonly SearchHit[] | undefined>();

  const sync = useCallback(async () => {
    setSyncing(true);
    try {
      setItems((await device.call('inbox', true)).items);
    } catch (error) {
      onError(error);
    } finally {
      setSyncing(false);
    }
  }, [device, onError]);

  useEffect(() => {
    // The local snapshot at once, then the server's news; then again whenever the live inbox
    // says a cable arrived or its stream (re)opened (nothing polls).
    device.call('inbox', false).then((local) => setItems((shown) => shown ?? local.items), onError);
    void sync();
    return device.listen((message) => {
      if (message.push === 'cable' || message.push === 'inbox-open') void sync();
    });
  }, [device, onError, sync]);

  useEffect(() => {
    if (query.trim() === '') {
      setHits(undefined);
      return;
    }
    const timer = setTimeout(() => {
      device.call('search', query).then(setHits, onError);
    }, 120);
    return () => clearTimeout(timer);
  }, [device, query, onError]);

  return (
    <section>
      <div className="toolbar">
        <h1>Inbox</h1>
        <input
          type="search"
          className="search-box"
          placeholder="Search subjects, tags and opened cables"
          title="Subjects and tags of the cables listed here; the full text of those opened on this device"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="search"
          aria-label="Search"
        />
        <span className="muted" data-testid="sync-state">
          {syncing
            ? 'Syncing…'
            : hits
              ? `${count(hits.length, 'cable')} of ${items?.length ?? 0} match`
              : items
                ? count(items.length, 'cable')
                : ''}
        </span>
        <button type="button" className="link" onClick={() => void sync()} data-testid="refresh">
          Refresh
        </button>
      </div>
      <table className="inbox stack" data-testid={hits ? 'search-results' : 'inbox'}>
        <thead>
          <tr>
            <th>Prec.</th>
            <th>Classification</th>
            <th>Reference</th>
            <th>Date-time group</th>
            <th>From</th>
            <th>Subject</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {(hits ? hitRows(hits, items ?? []) : (items ?? []).slice(0, shown)).map((item) => (
            <Row key={item.id} item={item} />
          ))}
        </tbody>
      </table>
      {hits && hits.length === 0 && <p className="muted">Nothing matches.</p>}
      {!hits && items && items.length > shown && (
        <button type="button" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, items.length - shown)} more
        </button>
      )}
      {items && items.length === 0 && !syncing && <p className="muted">No cables yet.</p>}
    </section>
  );
}

/** Search hits in the inbox's own columns: the inbox row when it has one, else the archive's. */
function hitRows(hits: readonly SearchHit[], items: readonly InboxRow[]): InboxRow[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  return hits.map(
    (hit) =>
      byId.get(hit.id) ?? {
        id: hit.id,
        reference: hit.reference,
        sentAt: hit.sentAt,
        dtg: formatDateTimeGroup(hit.sentAt),
        precedence: hit.precedence,
        classification: hit.classification,
        markings: [],
        from: hit.from,
        // Not in the inbox snapshot: no addressee role is known, so no addressee marker is shown.
        role: 'registry',
        acknowledged: false,
        verified: true,
        subject: hit.subject,
        read: true,
      },
  );
}

function Row(props: { readonly item: InboxRow }) {
  const { item } = props;
  const addressee = item.role === 'action' || item.role === 'info';
  // The reference is a real link, so the keyboard reaches and opens every cable; a click
  // anywhere else on the row opens it too.
  return (
    <tr
      className={item.read ? 'read' : 'unread'}
      data-testid="inbox-row"
      data-reference={item.reference}
      onClick={() => go(`cable/${item.id}`)}
    >
      <td className={`prec prec-${item.precedence.toLowerCase()}`} data-label="Precedence">
        {item.precedence}
      </td>
      <td data-label="Classification">{item.classification}</td>
      <td className="ref" data-label="Reference">
        <a href={`#/cable/${item.id}`} onClick={(e) => e.stopPropagation()}>
          {item.reference}
        </a>
      </td>
      <td data-label="Date-time group">{item.dtg}</td>
      <td data-label="From">{item.from}</td>
      <td data-label="Subject" className="subject">
        {item.subject ?? <span className="muted">(opens on this device)</span>}
        {item.subject && item.tags && item.tags.length > 0 && (
          <span className="tags" data-testid="inbox-tags">
            {item.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </span>
        )}
      </td>
      <td className="markers" data-label="Status">
        {!item.read && <span className="marker unread-marker">unread</span>}
        {item.role === 'action' && !item.acknowledged && (
          <span className="marker action">action required</span>
        )}
        {addressee && !item.acknowledged && <span className="marker unack">unacknowledged</span>}
        {addressee && item.acknowledged && (
          <span className="marker done" data-testid="acknowledged-marker">
            acknowledged
          </span>
        )}
        {item.role === 'sender' && <span className="marker sent">sent</span>}
        {item.acks && item.acks.of > 0 && (
          <span className="marker" data-testid="ack-count">
            {item.acks.done}/{item.acks.of} acknowledged
          </span>
        )}
        {!item.verified && <span className="marker bad">header does not verify</span>}
        {item.summaryRefused && (
          <span className="marker bad" title={item.summaryRefused}>
            subject does not verify
          </span>
        )}
      </td>
    </tr>
  );
}
