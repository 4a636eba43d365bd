/**
 * Sign-in: the passkey, with user verification, in a request this browser's device key
 * signs. No password, nothing to type, nothing a look-alike page could collect.
 */
import { useState } from 'react';
import type { DeviceClient, DeviceError } from './device-client.ts';
import type { DeviceStatus, Me } from './device-protocol.ts';
import { isStanding } from './device-standing-page.tsx';
import { signInWithPasskey } from './passkey-prompt.ts';
import { errorCode, plainWords } from './plain-words.ts';

export function SignInPage(props: {
  readonly device: DeviceClient;
  readonly status: DeviceStatus;
  readonly onSignedIn: (me: Me) => void;
  readonly onForgotten: () => void;
  /** The server says this device is pending, revoked or unknown: the page for that, not an error here. */
  readonly onStanding: (error: DeviceError) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [code, setCode] = useState<string | undefined>();
  const { status } = props;
  if (!status.enrolled) {
    return (
      <section className="card" data-testid="not-enrolled">
        <h1>This browser is not enrolled</h1>
        <p>Open the one-time enrolment link your security officer gave you. Valise has no passwords.</p>
      </section>
    );
  }
  const signIn = async () => {
    setBusy(true);
    setError('');
    try {
      props.onSignedIn(await signInWithPasskey(props.device));
    } catch (e) {
      if (isStanding(e)) return props.onStanding(e);
      setError(plainWords(e));
      setCode(errorCode(e));
    } finally {
      setBusy(false);
    }
  };
  const forget = async () => {
    if (!window.confirm('Forget this device? Its keys are erased and it must be enrolled again.')) return;
    await props.device.call('forget');
    props.onForgotten();
  };
  return (
    <section className="card">
      <h1>Sign in</h1>
      <p>
        Device <strong>{status.label}</strong>
        {status.user ? ` of ${status.user}` : ''} on network <strong>{status.network}</strong>.
      </p>
      <button type="button" disabled={busy} onClick={signIn} data-testid="sign-in">
        {busy ? 'Waiting for your passkey…' : 'Sign in with passkey'}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="sign-in-error" data-code={code}>
          {error}
        </p>
      )}
      <p className="muted">
        <button type="button" className="link" onClick={forget}>
          Forget this device
        </button>
      </p>
    </section>
  );
}
