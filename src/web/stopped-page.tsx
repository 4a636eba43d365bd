/**
 * What a person sees when the watch stopped their browser device (docs/design.md §9), in plain
 * words: what happened, when, and whom to call. A held device is offered the way out that
 * malware cannot take, a fresh touch of the passkey; a suspended one only the names of the
 * organisation's security officers, who alone can lift it.
 */
import { useEffect, useState } from 'react';
import type { DeviceClient, DeviceError } from './device-client.ts';
import type { OfficerContact } from './device-protocol.ts';
import { releaseHoldWithPasskey } from './passkey-prompt.ts';
import { plainWords } from './plain-words.ts';

export function StoppedPage(props: {
  readonly device: DeviceClient;
  readonly stop: DeviceError;
  readonly onReleased: () => void;
}) {
  const { device, stop } = props;
  const [officers, setOfficers] = useState<readonly OfficerContact[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const held = stop.code === 'DEVICE_HELD';

  useEffect(() => {
    device.call('securityOfficers').then(setOfficers, () => setOfficers([]));
  }, [device]);

  const release = async () => {
    setBusy(true);
    setError('');
    try {
      await releaseHoldWithPasskey(device);
      props.onReleased();
    } catch (e) {
      setError(plainWords(e));
    } finally {
      setBusy(false);
    }
  };

  const said = stop.message.charAt(0).toUpperCase() + stop.message.slice(1);
  return (
    <section className="card stopped" data-testid={held ? 'device-held' : 'device-suspended'}>
      <h1>{held ? 'Reading is paused on this device' : 'This device is suspended'}</h1>
      <p>
        {held
          ? 'Valise noticed more reading from this device in a short time than a person usually does, so it paused it. This protects you if someone else is using your device or its keys.'
          : 'Your security officers suspended this device, or Valise did after reading that looked like a copy of its keys at work. Nothing can be read or sent from it, and its sessions have ended.'}
      </p>
      <p className="muted" data-testid="stopped-reason">
        {said}.
      </p>
      {held && (
        <>
          <p>
            If it was you, confirm it with your passkey (fingerprint, face or PIN). No one else can do that
            for you, not even software on this computer.
          </p>
          <button type="button" disabled={busy} onClick={release} data-testid="release-with-passkey">
            {busy ? 'Waiting for your passkey…' : 'It was me: confirm with my passkey'}
          </button>
          {error && (
            <p className="error" role="alert" data-testid="release-error">
              {error}
            </p>
          )}
        </>
      )}
      <h2>{held ? 'If it was not you' : 'Whom to call'}</h2>
      <p>
        {held
          ? 'Do not confirm. Call a security officer of your organisation now:'
          : 'Call a security officer of your organisation; only they can lift the suspension:'}
      </p>
      {officers && (
        <ul data-testid="stopped-officers">
          {officers.map((o) => (
            <li key={o.user}>
              {o.name} <span className="muted">({o.user})</span>
            </li>
          ))}
          {officers.length === 0 && <li>your organisation's security officer</li>}
        </ul>
      )}
    </section>
  );
}
