/**
 * Planting a canary from the officer's Watch page (docs/design.md §9): an ordinary cable sent
 * by the officer's device to their own organisation, which the watch then treats as bait for
 * the people chosen. Nothing in the cable says so; the reason goes into the audit log. Like
 * every officer act in the browser, it takes a fresh passkey touch.
 */
import { useState } from 'react';
import type { DeviceClient } from './device-client.ts';
import { withStepUp } from './passkey-prompt.ts';
import { plainWords } from './plain-words.ts';

export function CanaryForm(props: { readonly device: DeviceClient; readonly people: readonly string[] }) {
  const { device, people } = props;
  const [user, setUser] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const plant = async () => {
    if (!user) return setMessage('Choose whom the canary watches.');
    if (subject.trim() === '' || body.trim() === '')
      return setMessage('Give it a subject and a text that look like ordinary traffic.');
    if (reason.trim().length < 3) return setMessage('Say why, in a few words: it goes into the audit log.');
    setBusy(true);
    setMessage('');
    try {
      const planted = await withStepUp(device, () =>
        device.call('plantCanary', { user, subject: subject.trim(), body, reason: reason.trim() }),
      );
      setMessage(`Canary ${planted.reference} planted for ${user}.`);
      setSubject('');
      setBody('');
      setReason('');
    } catch (error) {
      setMessage(`Not planted. ${plainWords(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" data-testid="canary-form">
      <h2>Plant a canary</h2>
      <p className="muted">
        A real cable to your own organisation. Anyone who reads it from the chosen person's devices is
        suspended at once.
      </p>
      <label>
        Watches
        <select value={user} onChange={(e) => setUser(e.target.value)} data-testid="canary-user">
          <option value="">choose a person</option>
          {people.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Subject
        <input value={subject} onChange={(e) => setSubject(e.target.value)} data-testid="canary-subject" />
      </label>
      <label>
        Text
        <textarea value={body} rows={3} onChange={(e) => setBody(e.target.value)} data-testid="canary-body" />
      </label>
      <label>
        Reason (for the audit log)
        <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="canary-reason" />
      </label>
      <button type="button" disabled={busy} onClick={plant} data-testid="canary-plant">
        {busy ? 'Planting…' : 'Plant canary'}
      </button>
      {message && (
        <p className="notice" role="status" data-testid="canary-message">
          {message}
        </p>
      )}
    </section>
  );
}
