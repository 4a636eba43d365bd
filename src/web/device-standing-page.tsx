/**
 * Where this browser's device stands with the server, when it is not in force, in plain words
 * and with what to do (docs/design.md §5). The server tells the three cases apart, and only to
 * the holder of the device's keys (docs/api.md, "Authentication"):
 * - pending: the enrolment waits for the security officer, who approves only when the person
 *   reads them the comparison code their screen shows too;
 * - unknown: the server knows nothing of this device (a network started afresh, a device
 *   never enrolled here, or removed): enrol again with a new invitation; the browser's old
 *   profile can be removed here, after a confirmation, since it is of no use on this server;
 * - revoked: when, by whom and why, as the revocation says, and whom to contact.
 */
import { useState } from 'react';
import type { DeviceClient, DeviceError } from './device-client.ts';
import type { DeviceStatus } from './device-protocol.ts';
import { plainWords } from './plain-words.ts';

/** The answers that put a browser on this page. */
export const STANDING_CODES = ['DEVICE_PENDING', 'UNKNOWN_KEY', 'ROOT_MISMATCH', 'DEVICE_REVOKED'] as const;

export function isStanding(error: unknown): error is DeviceError {
  return (
    error instanceof Error &&
    'code' in error &&
    (STANDING_CODES as readonly unknown[]).includes((error as DeviceError).code)
  );
}

export function DeviceStandingPage(props: {
  readonly device: DeviceClient;
  readonly status: DeviceStatus;
  readonly standing: DeviceError;
  /** Asks the server again (an officer may have approved meanwhile). */
  readonly onRetry: () => void;
  /** The browser's profile was removed: this browser is no longer enrolled. */
  readonly onForgotten: () => void;
}) {
  const { status, standing } = props;
  const [error, setError] = useState('');
  const which = status.enrolled ? (
    <>
      device <strong>{status.label}</strong>
      {status.user ? ` of ${status.user}` : ''} on network <strong>{status.network}</strong>
    </>
  ) : (
    'device'
  );
  const remove = async () => {
    const label = status.enrolled ? `'${status.label}'` : 'this device';
    const sure = window.confirm(
      `Remove ${label} from this browser? Its keys and the cables it opened here are erased from this browser for this site; this cannot be undone. Other browsers and the server are not touched.`,
    );
    if (!sure) return;
    setError('');
    try {
      await props.device.call('forget');
      props.onForgotten();
    } catch (e) {
      setError(plainWords(e));
    }
  };

  if (standing.code === 'DEVICE_PENDING') {
    return (
      <section className="card" data-testid="device-pending">
        <h1>Waiting for approval</h1>
        <p>
          Your device is waiting for approval by your security officer. This browser holds {which}; the server
          has its enrolment.
        </p>
        {status.enrolled && (
          <>
            <p>Read them this code. They approve only if their screen shows the same one:</p>
            <p className="comparison-code" data-testid="comparison-code">
              {status.comparisonCode}
            </p>
          </>
        )}
        <button type="button" onClick={props.onRetry} data-testid="check-again">
          They approved it: sign in
        </button>
      </section>
    );
  }
  if (standing.code === 'DEVICE_REVOKED') {
    const said = standing.message.charAt(0).toUpperCase() + standing.message.slice(1);
    return (
      <section className="card stopped" data-testid="device-revoked">
        <h1>This device was revoked</h1>
        <p>This browser holds {which}.</p>
        <p data-testid="revoked-reason">{/[.!?]$/.test(said) ? said : `${said}.`}</p>
        <h2>What to do</h2>
        <p>
          Contact a security officer of your organisation. A revocation is not lifted: if you should still
          have access, they give you a new invitation, and enrolling with it removes this device's old keys
          from this browser.
        </p>
      </section>
    );
  }
  return (
    <section className="card stopped" data-testid="device-unknown">
      <h1>This server does not know this browser's device</h1>
      <p>This browser holds {which}, but the server does not know it.</p>
      {standing.code === 'ROOT_MISMATCH' && (
        <p data-testid="another-network">
          The server now serves another network than the one this browser was enrolled in.
        </p>
      )}
      <p>
        This happens when the network was reset (a demonstration server started afresh does this), when the
        device was never enrolled on this server, or when it was removed.
      </p>
      <h2>What to do</h2>
      <p>
        If the network was reset, enrol again with a new invitation from your security officer; the old keys
        in this browser will be removed when you do. If you did not expect this, do not enrol yet: tell your
        security officer first.
      </p>
      <button type="button" className="secondary" onClick={remove} data-testid="remove-old-device">
        Remove the old device from this browser…
      </button>
      {error && (
        <p className="error" role="alert" data-testid="remove-error">
          {error}
        </p>
      )}
    </section>
  );
}
