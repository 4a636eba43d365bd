/**
 * New cables, on every page (docs/design.md §12): the device worker holds the inbox's live
 * stream; this shell part counts what arrived since the person last looked at the inbox (in
 * the tab's title), shows a banner for FLASH and IMMEDIATE cables, and raises a browser
 * notification for them when the person allowed it. A notification names the reference,
 * precedence and sender only: never a subject, which the page could not know unopened.
 * Overdue notices (docs/design.md §2: an action addressee did not acknowledge in time) show
 * in the same banner until dismissed.
 */
import { useEffect, useState } from 'react';
import type { LiveCable, OverdueNotice } from '../client/follow-inbox.ts';
import { describeLimit } from '../core/cable/escalation.ts';
import type { DeviceClient } from './device-client.ts';

const URGENT = ['FLASH', 'IMMEDIATE'];

export function LiveInbox(props: { readonly device: DeviceClient; readonly onInbox: boolean }) {
  const { device, onInbox } = props;
  const [fresh, setFresh] = useState<readonly LiveCable[]>([]);
  const [overdue, setOverdue] = useState<readonly OverdueNotice[]>([]);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [permission, setPermission] = useState(notificationPermission);

  useEffect(() => {
    const unlisten = device.listen((message) => {
      if (message.push === 'overdue') {
        const { notice } = message;
        const key = overdueKey(notice);
        setOverdue((old) => (old.some((n) => overdueKey(n) === key) ? old : [notice, ...old]));
        return;
      }
      if (message.push !== 'cable') return;
      const { cable } = message;
      setFresh((old) => (old.some((c) => c.id === cable.id) ? old : [cable, ...old]));
      if (URGENT.includes(cable.precedence) && notificationPermission() === 'granted') {
        new Notification(`${cable.precedence} cable ${cable.reference}`, {
          body: `From ${cable.from}, ${cable.classification}. Open Valise to read it.`,
          tag: cable.id,
        });
      }
    });
    void device.call('followInbox');
    return () => {
      unlisten();
      void device.call('stopInbox');
    };
  }, [device]);

  // Looking at the inbox is seeing what arrived.
  useEffect(() => {
    if (onInbox) setFresh([]);
  }, [onInbox]);

  useEffect(() => {
    document.title = fresh.length > 0 ? `(${fresh.length}) Valise` : 'Valise';
  }, [fresh]);

  const urgent = fresh.filter((c) => URGENT.includes(c.precedence) && !dismissed.has(c.id));
  const late = overdue.filter((n) => !dismissed.has(overdueKey(n)));
  if (urgent.length === 0 && late.length === 0) return null;
  return (
    <div className="urgent" role="alert" data-testid="urgent-banner">
      <ul>
        {late.map((n) => (
          <li key={overdueKey(n)} data-testid="overdue-notice" data-reference={n.reference} data-org={n.org}>
            <strong>{n.precedence}</strong>{' '}
            <a href={`#/cable/${n.id}`} className="ref">
              {n.reference}
            </a>{' '}
            not acknowledged by {n.org}
            {n.limit ? ` after ${describeLimit(n.limit)}` : ' in time'}
          </li>
        ))}
        {urgent.map((c) => (
          <li key={c.id} data-testid="urgent-cable" data-reference={c.reference}>
            <strong>{c.precedence}</strong> {c.classification} cable{' '}
            <a href={`#/cable/${c.id}`} className="ref">
              {c.reference}
            </a>{' '}
            from {c.from}
          </li>
        ))}
      </ul>
      {permission === 'default' && (
        <button
          type="button"
          className="secondary"
          onClick={() => void Notification.requestPermission().then(setPermission)}
        >
          Notify me of FLASH and IMMEDIATE cables
        </button>
      )}
      <button
        type="button"
        className="link"
        onClick={() =>
          setDismissed(new Set([...dismissed, ...urgent.map((c) => c.id), ...late.map(overdueKey)]))
        }
      >
        Dismiss
      </button>
    </div>
  );
}

function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

function overdueKey(notice: OverdueNotice): string {
  return `${notice.id}/${notice.org}`;
}
