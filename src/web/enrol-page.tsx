/**
 * Enrolment from a one-time link (docs/design.md §5): this browser makes its key pairs (in the
 * worker, non-extractable) and a passkey, and registers both with the invitation. The link's
 * code leaves the address bar once used. A demo officer's link also brought the organisation
 * key (already out of the address bar, demo-org-key.ts): the page asks the node first whether
 * it is the demo network, and refuses the link otherwise, before any key or passkey is made.
 * A browser that still holds an older device (a network started afresh, a revoked device) says
 * so before enrolling: enrolling removes that device's keys and what it opened from this browser.
 */
import { useEffect, useState } from 'react';
import type { DeviceClient } from './device-client.ts';
import type { DeviceStatus, EnrolmentDone } from './device-protocol.ts';
import { enrolWithPasskey } from './passkey-prompt.ts';
import { errorCode, plainWords } from './plain-words.ts';

export function EnrolPage(props: {
  readonly device: DeviceClient;
  readonly code: string;
  readonly orgKey?: string;
  readonly onDone: () => void;
}) {
  const [label, setLabel] = useState('browser');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [code, setCode] = useState<string | undefined>();
  const [done, setDone] = useState<EnrolmentDone | undefined>();
  /** The device this browser holds already, if any: enrolling replaces it. */
  const [old, setOld] = useState<DeviceStatus | undefined>();
  /** With an organisation key in the link: whether the node is the demo network (undefined: asking). */
  const [demo, setDemo] = useState<boolean | undefined>(props.orgKey === undefined ? true : undefined);

  useEffect(() => {
    props.device.call('status').then(
      (status) => setOld(status.enrolled ? status : undefined),
      () => setOld(undefined),
    );
  }, [props.device]);

  useEffect(() => {
    if (props.orgKey === undefined) return;
    props.device.call('requireDemoNetwork').then(
      () => setDemo(true),
      (e: unknown) => {
        setDemo(false);
        setError(plainWords(e));
        setCode(errorCode(e));
      },
    );
  }, [props.device, props.orgKey]);

  const enrol = async () => {
    setBusy(true);
    setError('');
    try {
      const result = await enrolWithPasskey(
        props.device,
        props.code,
        label.trim(),
        props.orgKey,
        old !== undefined,
      );
      setDone(result);
      window.history.replaceState(null, '', `${window.location.pathname}#/enrolled`);
      props.onDone();
    } catch (e) {
      setError(plainWords(e));
      setCode(errorCode(e));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <section className="card" data-testid="enrolled">
        <h1>This browser is enrolled</h1>
        <p>
          Device <code data-testid="enrolled-device">{done.device}</code> holds its own keys; they never leave
          this browser.
        </p>
        {done.status === 'pending' ? (
          <>
            <p data-testid="enrol-pending">
              Your security officer must now approve it. Read them this code: they approve only if their
              screen shows the same one. Once they have, sign in with your passkey.
            </p>
            <p className="comparison-code" data-testid="comparison-code">
              {done.comparisonCode}
            </p>
          </>
        ) : (
          <p data-testid="enrol-active">As your organisation's security officer you certified it yourself.</p>
        )}
        <a className="button" href="#/">
          Go to sign-in
        </a>
      </section>
    );
  }
  return (
    <section className="card">
      <h1>Enrol this browser</h1>
      <p>
        Your enrolment link makes this browser one of your devices. It creates a passkey (your fingerprint,
        face or device PIN unlocks it) and the browser's own encryption keys. There is no password.
      </p>
      <label>
        Name for this device
        <input
          value={label}
          maxLength={80}
          onChange={(e) => setLabel(e.target.value)}
          data-testid="device-label"
        />
      </label>
      {props.orgKey && demo && (
        <p className="muted" data-testid="demo-org-key">
          Demo network only: this link carries your organisation key, so this browser will certify itself. A
          real organisation key never travels in a link.
        </p>
      )}
      {old?.enrolled && (
        <p className="urgent" data-testid="enrol-replaces">
          {/* One flex item: the box lays out its children in a row. */}
          <span>
            This browser still holds an older device, <strong>{old.label}</strong>
            {old.user ? ` of ${old.user}` : ''} on network <strong>{old.network}</strong>. Enrolling removes
            its keys and the cables it opened from this browser.
          </span>
        </p>
      )}
      <button
        type="button"
        disabled={busy || label.trim() === '' || demo !== true}
        onClick={enrol}
        data-testid="enrol"
      >
        {busy
          ? 'Enrolling…'
          : old
            ? 'Remove the old device, create passkey and enrol'
            : 'Create passkey and enrol'}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="enrol-error" data-code={code}>
          {error}
        </p>
      )}
    </section>
  );
}
