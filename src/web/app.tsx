/**
 * The app shell: finds out whether this browser is an enrolled device and whether its
 * session is live, then shows the page the URL fragment names. Signed out, the only ways in
 * are an enrolment link and the passkey: there is no password field anywhere. A device the
 * server holds as pending, revoked or not at all gets its own page (device-standing-page.tsx),
 * never the sign-in button.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { AuditPage, canAudit } from './audit-page.tsx';
import { CablePage } from './cable-page.tsx';
import { ComposePage } from './compose-page.tsx';
import { type DeviceClient, DeviceError } from './device-client.ts';
import type { DeviceStatus, Me } from './device-protocol.ts';
import { DeviceStandingPage, isStanding } from './device-standing-page.tsx';
import { EnrolPage } from './enrol-page.tsx';
import { parseRoute, type Route } from './hash-route.ts';
import { InboxPage } from './inbox-page.tsx';
import { LiveInbox } from './live-inbox.tsx';
import { OfficerPage } from './officer-page.tsx';
import { errorCode, errorDetails, plainWords } from './plain-words.ts';
import { ProcedurePage } from './procedure-page.tsx';
import { isReference, OpenReference } from './reference-link.tsx';
import { SignInPage } from './sign-in-page.tsx';
import { StoppedPage } from './stopped-page.tsx';
import { WatchPage } from './watch-page.tsx';

const SESSION_CODES = ['SESSION_EXPIRED', 'SESSION_REQUIRED', 'SESSION_DEVICE_MISMATCH'];
/** The watch stopped this device (docs/design.md §9): the page says so and whom to call. */
const STOPPED_CODES = ['DEVICE_HELD', 'DEVICE_SUSPENDED'];

function stoppedBy(error: unknown): DeviceError | undefined {
  return error instanceof DeviceError && STOPPED_CODES.includes(error.code) ? error : undefined;
}

export function App(props: { readonly device: DeviceClient; readonly demoOrgKey?: string }) {
  const { device } = props;
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  const [status, setStatus] = useState<DeviceStatus | undefined>();
  const [me, setMe] = useState<Me | null | undefined>();
  const [notice, setNotice] = useState<string>('');
  const [details, setDetails] = useState<string | undefined>();
  const [stopped, setStopped] = useState<DeviceError | undefined>();
  const [standing, setStanding] = useState<DeviceError | undefined>();

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const found = await device.call('status');
      setStatus(found);
      const resumed = found.enrolled ? await device.call('resume') : null;
      setStanding(undefined);
      setMe(resumed);
    } catch (error) {
      const stop = stoppedBy(error);
      if (stop) return setStopped(stop);
      if (isStanding(error)) {
        setMe(null);
        return setStanding(error);
      }
      setNotice(plainWords(error));
      setDetails(errorDetails(error));
      setMe(null);
    }
  }, [device]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // On a standing page (pending, revoked, unknown), going to another page asks the server
  // again: an officer may have approved the device meanwhile.
  const standingNow = useRef(false);
  standingNow.current = standing !== undefined;
  useEffect(() => {
    if (standingNow.current && route.page !== 'enrol') void refresh();
  }, [route, refresh]);

  /** Every page reports failures here: an ended session sends the person back to sign-in. */
  const onError = useCallback((error: unknown) => {
    const stop = stoppedBy(error);
    if (stop) return setStopped(stop);
    if (isStanding(error)) {
      setMe(null);
      return setStanding(error);
    }
    if (SESSION_CODES.includes(errorCode(error) ?? '')) setMe(null);
    setNotice(plainWords(error));
    setDetails(errorDetails(error));
  }, []);

  if (route.page === 'enrol') {
    return (
      <Shell me={null} notice={notice}>
        <EnrolPage
          device={device}
          code={route.code}
          {...(props.demoOrgKey ? { orgKey: props.demoOrgKey } : {})}
          onDone={refresh}
        />
      </Shell>
    );
  }
  if (stopped) {
    return (
      <Shell me={null} notice="">
        <StoppedPage
          device={device}
          stop={stopped}
          onReleased={() => {
            setStopped(undefined);
            void refresh();
          }}
        />
      </Shell>
    );
  }
  if (standing && status) {
    return (
      <Shell me={null} notice="">
        <DeviceStandingPage
          device={device}
          status={status}
          standing={standing}
          onRetry={() => void refresh()}
          onForgotten={() => void refresh()}
        />
      </Shell>
    );
  }
  if (status === undefined || me === undefined) {
    return (
      <Shell me={null} notice={notice}>
        <p className="muted">Opening this device…</p>
      </Shell>
    );
  }
  if (me === null) {
    return (
      <Shell me={null} notice={notice}>
        <SignInPage
          device={device}
          status={status}
          onSignedIn={(signedIn) => {
            setNotice('');
            setDetails(undefined);
            setMe(signedIn);
          }}
          onForgotten={refresh}
          onStanding={(error) => setStanding(error)}
        />
      </Shell>
    );
  }
  const signOut = async () => {
    try {
      await device.call('signOut');
    } finally {
      setMe(null);
      setNotice('You are signed out.');
      setDetails(undefined);
    }
  };
  return (
    <Shell
      me={me}
      notice={notice}
      onSignOut={signOut}
      details={details}
      current={route.page}
      onDismiss={() => setNotice('')}
    >
      <LiveInbox device={device} onInbox={route.page === 'inbox'} />
      {route.page === 'inbox' && <InboxPage device={device} me={me} onError={onError} />}
      {route.page === 'cable' &&
        (isReference(route.id) ? (
          <OpenReference device={device} reference={route.id} />
        ) : (
          <CablePage device={device} me={me} id={route.id} onError={onError} />
        ))}
      {route.page === 'compose' && (
        <ComposePage
          device={device}
          me={me}
          {...(route.replyTo ? { replyTo: route.replyTo } : {})}
          onError={onError}
        />
      )}
      {route.page === 'officer' && <OfficerPage device={device} me={me} onError={onError} />}
      {route.page === 'audit' && <AuditPage device={device} me={me} />}
      {route.page === 'watch' && <WatchPage device={device} me={me} onError={onError} />}
      {route.page === 'procedure' && <ProcedurePage device={device} me={me} id={route.id} />}
    </Shell>
  );
}

function Shell(props: {
  readonly me: Me | null;
  readonly notice: string;
  readonly details?: string | undefined;
  readonly current?: Route['page'];
  readonly children: React.ReactNode;
  readonly onSignOut?: () => void;
  readonly onDismiss?: () => void;
}) {
  const { me } = props;
  return (
    <div className="shell">
      <header className="top">
        <a className="brand" href="#/">
          Valise
        </a>
        {me && (
          <nav aria-label="Pages">
            <NavLink href="#/" here={props.current === 'inbox' || props.current === 'cable'}>
              Inbox
            </NavLink>
            <NavLink href="#/compose" here={props.current === 'compose'}>
              Compose
            </NavLink>
            {me.role === 'security-officer' && (
              <NavLink href="#/officer" here={props.current === 'officer'}>
                Security officer
              </NavLink>
            )}
            {me.role === 'security-officer' && (
              <NavLink href="#/watch" here={props.current === 'watch'} testId="nav-watch">
                Watch
              </NavLink>
            )}
            {canAudit(me) && (
              <NavLink href="#/audit" here={props.current === 'audit'} testId="nav-audit">
                Audit
              </NavLink>
            )}
          </nav>
        )}
        {me && (
          <div className="who" data-testid="who">
            {me.name} · {me.org} · {me.clearance}
            <button type="button" className="link" onClick={props.onSignOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {props.notice && (
        <div className="notice" role="alert" data-testid="notice">
          <span>
            {props.notice}
            {props.details && (
              <details className="details">
                <summary>Details</summary>
                <code data-testid="notice-details">{props.details}</code>
              </details>
            )}
          </span>
          {props.onDismiss && (
            <button type="button" className="link" onClick={props.onDismiss}>
              Dismiss
            </button>
          )}
        </div>
      )}
      <main>{props.children}</main>
    </div>
  );
}

/** A navigation link; the current page's is marked for sight and for screen readers. */
function NavLink(props: {
  readonly href: string;
  readonly here: boolean;
  readonly testId?: string;
  readonly children: React.ReactNode;
}) {
  return (
    <a href={props.href} aria-current={props.here ? 'page' : undefined} data-testid={props.testId}>
      {props.children}
    </a>
  );
}
