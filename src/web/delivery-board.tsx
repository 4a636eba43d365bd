/**
 * The sender's delivery board on the cable page (docs/design.md §2): per addressee
 * organisation, action or info, when a device of it first fetched the cable, who
 * acknowledged and when, and, for an action addressee past its precedence's limit, a clear
 * OVERDUE mark in plain words. The worker asks the server (the sender's organisation alone
 * may); the board asks again every 30 seconds, so an escalation shows without reloading.
 */
import { useCallback, useEffect, useState } from 'react';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import type { DeviceClient } from './device-client.ts';
import type { AckRow, DeliveryBoardView } from './device-protocol.ts';

const REFRESH_MS = 30_000;

export function DeliveryBoard(props: {
  readonly device: DeviceClient;
  readonly id: string;
  readonly onError: (e: unknown) => void;
}) {
  const { device, id, onError } = props;
  const [board, setBoard] = useState<DeliveryBoardView | undefined>();

  const load = useCallback(async () => {
    try {
      setBoard(await device.call('acks', id));
    } catch (error) {
      onError(error);
    }
  }, [device, id, onError]);

  useEffect(() => {
    setBoard(undefined);
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    // An overdue notice about this cable refreshes the board at once.
    const unlisten = device.listen((message) => {
      if (message.push === 'overdue' && message.notice.id === id) void load();
    });
    return () => {
      clearInterval(timer);
      unlisten();
    };
  }, [device, id, load]);

  const overdue = board?.items.filter((a) => a.overdue) ?? [];
  return (
    <section className="acks" data-testid="ack-board">
      <h2>
        Delivery and acknowledgements{' '}
        <button type="button" className="link" onClick={() => void load()}>
          refresh
        </button>
      </h2>
      {board && (
        <p className="muted" data-testid="board-limit">
          {board.limit
            ? `${board.precedence}: action addressees acknowledge within ${board.limit}.`
            : `${board.precedence}: no acknowledgement deadline.`}
        </p>
      )}
      {overdue.length > 0 && (
        <p className="error" role="alert" data-testid="board-overdue">
          Overdue: {overdue.map((a) => a.org).join(', ')} did not acknowledge within {board?.limit}.
        </p>
      )}
      <table className="stack">
        <thead>
          <tr>
            <th>Addressee</th>
            <th>As</th>
            <th>Delivered</th>
            <th>Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {(board?.items ?? []).map((a) => (
            <tr
              key={a.org}
              data-testid="ack-row"
              data-org={a.org}
              data-acknowledged={String(a.acknowledged)}
              data-delivered={String(a.delivered !== undefined)}
              data-overdue={String(a.overdue)}
            >
              <td data-label="Addressee">
                <strong>{a.org}</strong>
              </td>
              <td data-label="As">{a.role}</td>
              <td data-label="Delivered">
                {a.delivered !== undefined ? (
                  <Time at={a.delivered} />
                ) : (
                  <span className="muted">not yet</span>
                )}
              </td>
              <td data-label="Acknowledged">
                <Acknowledged row={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Acknowledged(props: { readonly row: AckRow }) {
  const a = props.row;
  if (a.acknowledged) {
    return (
      <>
        by {a.by ?? 'an unnamed device'}
        {a.at !== undefined && (
          <>
            {' '}
            at <Time at={a.at} />
          </>
        )}
      </>
    );
  }
  if (a.overdue) {
    return (
      <>
        <span className="marker bad" data-testid="overdue-mark">
          OVERDUE
        </span>{' '}
        not acknowledged
        {a.due !== undefined && (
          <>
            {' '}
            (due <Time at={a.due} />)
          </>
        )}
        {a.escalated !== undefined && <>; its registry and the sender were told</>}
      </>
    );
  }
  if (a.role === 'info') return <span className="muted">not acknowledged (none needed)</span>;
  return (
    <span className="muted">
      not yet
      {a.due !== undefined && (
        <>
          {' '}
          (due <Time at={a.due} />)
        </>
      )}
    </span>
  );
}

function Time(props: { readonly at: number }) {
  return (
    <time
      dateTime={new Date(props.at * 1000).toISOString()}
      title={new Date(props.at * 1000).toLocaleString()}
    >
      {formatDateTimeGroup(props.at)}
    </time>
  );
}
