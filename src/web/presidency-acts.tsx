/**
 * The Presidency's acts on an open silence procedure (docs/design.md §2): extending the
 * deadline to a later one, or withdrawing the text with a reason. Each is a signed cable
 * replying to the opening one, sent only after a fresh passkey touch, as `valise silence
 * extend | withdraw` does from the command line. The server holds both to the procedure's
 * rules by its own clock (later than the deadline in force, within the network's maximum).
 */
import { useState } from 'react';
import type { DeviceClient } from './device-client.ts';
import type { ProcedureView } from './device-protocol.ts';
import { withStepUp } from './passkey-prompt.ts';
import { plainWords } from './plain-words.ts';

/** `YYYY-MM-DDTHH:MM` in the reader's own time zone, as a datetime-local input reads it. */
function localInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function PresidencyActs(props: {
  readonly device: DeviceClient;
  readonly view: ProcedureView;
  readonly onDone: () => Promise<void>;
}) {
  const { device, view } = props;
  // A day later than the deadline in force, to start from.
  const [deadline, setDeadline] = useState(() => localInput(view.deadline + 86_400));
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (
    working: string,
    act: () => Promise<{ reference: string }>,
    done: (ref: string) => string,
  ) => {
    setBusy(true);
    setMessage(working);
    try {
      const sent = await withStepUp(device, act);
      await props.onDone();
      setMessage(done(sent.reference));
    } catch (error) {
      setMessage(`Not done. ${plainWords(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const extend = () => {
    const at = Math.floor(new Date(deadline).getTime() / 1000);
    if (!Number.isFinite(at)) return setMessage('Choose the new deadline.');
    if (at <= view.deadline) return setMessage('The new deadline must be later than the one in force.');
    return run(
      'Extending the deadline…',
      () => device.call('extendSilence', view.id, at, ''),
      (ref) => {
        setDeadline(localInput(at + 86_400));
        return `Deadline extended by ${ref}: adopted at ${new Date(at * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z unless silence is broken.`;
      },
    );
  };
  const withdraw = () => {
    if (reason.trim() === '')
      return setMessage('Say why the text is withdrawn: every participant will read it.');
    return run(
      'Withdrawing the text…',
      () => device.call('withdrawSilence', view.id, reason.trim()),
      (ref) => `Text withdrawn by ${ref}.`,
    );
  };

  return (
    <section
      className="presidency-acts"
      data-testid="presidency-acts"
      aria-labelledby="presidency-acts-title"
    >
      <h2 id="presidency-acts-title">Presidency</h2>
      <div className="grid">
        <div>
          <label>
            New deadline (your local time)
            <input
              type="datetime-local"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value)}
              data-testid="new-deadline"
            />
          </label>
          <button type="button" disabled={busy} onClick={() => void extend()} data-testid="extend">
            Extend the deadline
          </button>
        </div>
        <div>
          <label>
            Why the text is withdrawn (encrypted; read by every participant)
            <textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="withdraw-reason"
            />
          </label>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void withdraw()}
            data-testid="withdraw"
          >
            Withdraw the text
          </button>
        </div>
      </div>
      <p className="muted">Your passkey confirms each act: it is a signed cable in the procedure's thread.</p>
      {message && (
        <p role="status" data-testid="presidency-message">
          {message}
        </p>
      )}
    </section>
  );
}
