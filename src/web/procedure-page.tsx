/**
 * A silence procedure (docs/design.md §2): the deadline counting down, each participant's
 * status (received, acknowledged, objected), the objections with their reasons, and the
 * outcome once the server recorded it and this device confirmed it from the proven log. A
 * participant breaks silence here with a reason and a fresh passkey touch; the Presidency
 * extends the deadline (a new one, later) or withdraws the text (with a reason) the same way:
 * each act is a signed cable in the procedure's thread. The page asks the worker again every
 * few seconds, so a broken silence shows without a reload.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeviceClient } from './device-client.ts';
import type { Me, ProcedureView } from './device-protocol.ts';
import { withStepUp } from './passkey-prompt.ts';
import { plainWords } from './plain-words.ts';
import { PresidencyActs } from './presidency-acts.tsx';

const REFRESH_MS = 5000;
const OUTCOMES: Record<string, string> = {
  adopted: 'Adopted: every participant received the text and nobody broke silence.',
  broken: 'Silence broken: the text is not adopted.',
  'not-valid': 'Not valid: some participants never received the text, so their silence is not assent.',
  withdrawn: 'Withdrawn by the Presidency.',
};

const time = (seconds: number | undefined) =>
  seconds === undefined ? '' : `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z`;

function countdown(seconds: number): string {
  if (seconds <= 0) return 'deadline passed';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s left`;
}

export function ProcedurePage(props: {
  readonly device: DeviceClient;
  readonly me: Me;
  readonly id: string;
}) {
  const { device, id } = props;
  const [view, setView] = useState<ProcedureView | undefined>();
  const [failure, setFailure] = useState('');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [left, setLeft] = useState(0);

  const load = useCallback(async () => {
    try {
      const next = await device.call('procedure', id);
      setView(next);
      setFailure('');
      setLeft(next.deadline - next.now);
    } catch (error) {
      setFailure(`This silence procedure cannot be shown. ${plainWords(error)}`);
    }
  }, [device, id]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);
  useEffect(() => {
    const tick = setInterval(() => setLeft((l) => l - 1), 1000);
    return () => clearInterval(tick);
  }, []);

  const breakSilence = async () => {
    if (reason.trim() === '') {
      setMessage('Say why you break silence: the Presidency and every participant will read it.');
      return;
    }
    setMessage('Breaking silence…');
    try {
      const sent = await withStepUp(device, () => device.call('breakSilence', id, reason.trim()));
      setReason('');
      await load();
      setMessage(`Silence broken: objection ${sent.reference} accepted before the deadline.`);
    } catch (error) {
      setMessage(`Silence was not broken. ${plainWords(error)}`);
    }
  };

  if (failure && !view) {
    return (
      <p className="error" role="alert" data-testid="procedure-failure">
        {failure}
      </p>
    );
  }
  if (!view) return <p className="muted">Checking the procedure against the audit log…</p>;
  return (
    <section className="procedure" data-testid="procedure" data-state={view.state}>
      <h1>
        Silence procedure <span className="ref">{view.reference}</span>
      </h1>
      <p>
        Circulated by the Presidency ({view.presidency}). Adopted at {time(view.deadline)} unless a
        participant breaks silence.{' '}
        <a href={`#/cable/${view.id}`} data-testid="procedure-text">
          Read the text
        </a>
      </p>
      <p className="countdown" data-testid="countdown" role="timer">
        {view.state === 'open'
          ? countdown(left)
          : view.outcome?.outcome === 'withdrawn'
            ? 'Withdrawn before its deadline'
            : 'Deadline passed'}
      </p>
      {!view.outcome && view.objections.length > 0 && (
        <p className="outcome broken" data-testid="broken-before-deadline">
          Silence is broken: the text will not be adopted at the deadline.
        </p>
      )}
      {view.outcome && (
        <p
          className={`outcome ${view.outcome.outcome}`}
          data-testid="outcome"
          data-outcome={view.outcome.outcome}
        >
          {OUTCOMES[view.outcome.outcome] ?? view.outcome.outcome}
          {view.outcome.undelivered.length > 0 && ` Not received by: ${view.outcome.undelivered.join(', ')}.`}{' '}
          Recorded by the server and confirmed on this device from the audit log.
        </p>
      )}
      <table className="stack" data-testid="participants">
        <thead>
          <tr>
            <th>Participant</th>
            <th>Received</th>
            <th>Acknowledged</th>
            <th>Silence</th>
          </tr>
        </thead>
        <tbody>
          {view.participants.map((p) => (
            <tr
              key={p.org}
              data-testid="participant"
              data-org={p.org}
              data-objected={p.objectedAt !== undefined}
            >
              <td data-label="Participant">{p.org}</td>
              <td data-label="Received">{p.receivedAt === undefined ? 'not yet' : time(p.receivedAt)}</td>
              <td data-label="Acknowledged">
                {p.acknowledgedAt === undefined ? '-' : time(p.acknowledgedAt)}
              </td>
              <td data-label="Silence">
                {p.objectedAt === undefined ? 'kept' : `broken ${time(p.objectedAt)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {view.objections.length > 0 && (
        <ul className="objections" data-testid="objections">
          {view.objections.map((o) => (
            <li key={`${o.org}-${o.at}`} data-testid="objection" data-org={o.org}>
              <strong>{o.org}</strong> broke silence at {time(o.at)}:{' '}
              {o.reason ?? '(the reason is not readable on this device)'}
            </li>
          ))}
        </ul>
      )}
      {view.mayObject && (
        <div className="break-silence">
          <label>
            Why you break silence (encrypted; read by the Presidency and every participant)
            <textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="objection-reason"
            />
          </label>
          <button
            type="button"
            className="danger"
            onClick={() => void breakSilence()}
            data-testid="break-silence"
          >
            Break silence
          </button>
          <p className="muted">Your passkey confirms it: an objection commits your government.</p>
        </div>
      )}
      {view.mayManage && <PresidencyActs device={device} view={view} onDone={load} />}
      {message && (
        <p role="status" data-testid="procedure-message">
          {message}
        </p>
      )}
    </section>
  );
}
