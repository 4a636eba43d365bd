/**
 * The security officer's watch (docs/design.md §9): the watch's events pushed live from the
 * server's stream (one open request in the worker, never polling), the organisation's
 * devices with their state, a device's reads drawn against the alert line over the day or
 * the week, and the acts on a device (release, suspend, revoke), each asking for a reason
 * that goes into the audit log.
 */
import { useCallback, useEffect, useState } from 'react';
import { ActivityChart } from './activity-chart.tsx';
import { CanaryForm } from './canary-form.tsx';
import type { DeviceClient } from './device-client.ts';
import type { Me, WatchActivityView, WatchDeviceRow, WatchEventView } from './device-protocol.ts';
import { withStepUp } from './passkey-prompt.ts';
import { plainWords } from './plain-words.ts';

type Act = 'release' | 'suspend' | 'revoke';
const ACT_NAMES: Record<Act, string> = { release: 'Release', suspend: 'Suspend', revoke: 'Revoke' };
/** The live list keeps the newest events only. */
const KEPT_EVENTS = 200;

export function WatchPage(props: {
  readonly device: DeviceClient;
  readonly me: Me;
  readonly onError: (e: unknown) => void;
}) {
  const { device, me, onError } = props;
  const [events, setEvents] = useState<readonly WatchEventView[]>([]);
  const [live, setLive] = useState<'connecting' | 'live' | string>('connecting');
  const [devices, setDevices] = useState<readonly WatchDeviceRow[]>([]);
  const [selected, setSelected] = useState<string | undefined>();
  const [period, setPeriod] = useState<'day' | 'week'>('day');
  const [activity, setActivity] = useState<WatchActivityView | undefined>();
  const [changed, setChanged] = useState(0);
  const officer = me.role === 'security-officer';

  const loadDevices = useCallback(async () => {
    try {
      setDevices(await device.call('watchedDevices'));
    } catch (error) {
      onError(error);
    }
  }, [device, onError]);

  useEffect(() => {
    if (!officer) return;
    void loadDevices();
    const unlisten = device.listen((message) => {
      // The inbox's pushes are the app shell's, not this page's.
      if (message.push !== 'watch' && message.push !== 'watch-open' && message.push !== 'watch-ended') return;
      if (message.push === 'watch-ended') {
        setLive(plainWords(message.error));
        return;
      }
      setLive('live');
      if (message.push === 'watch-open') return;
      setEvents((old) => [message.event, ...old].slice(0, KEPT_EVENTS));
      setChanged((n) => n + 1);
    });
    device.call('followWatch').catch((error: unknown) => setLive(plainWords(error)));
    return () => {
      unlisten();
      void device.call('stopWatch');
    };
  }, [device, officer, loadDevices]);

  // Every event may change a device's state or its chart: read them again.
  useEffect(() => {
    if (changed > 0) void loadDevices();
  }, [changed, loadDevices]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: each live event (changed) redraws the chart
  useEffect(() => {
    if (!selected) return;
    let current = true;
    device.call('watchActivity', selected, period).then(
      (found) => current && setActivity(found),
      (error: unknown) => current && onError(error),
    );
    return () => {
      current = false;
    };
  }, [device, selected, period, changed, onError]);

  if (!officer) return <p>Only security officers see this page.</p>;
  const chosen = devices.find((d) => d.device === selected);
  const stopped = devices.filter((d) => d.state !== 'active').length;

  return (
    <section className="watch" data-testid="watch">
      <h1>Watch · {me.orgName}</h1>
      <p className="muted">
        <span
          className={live === 'live' ? 'live-dot on' : 'live-dot'}
          data-testid="watch-live"
          data-live={live === 'live'}
        />
        {live === 'live'
          ? 'Live: alerts appear here as they happen.'
          : live === 'connecting'
            ? 'Connecting…'
            : live}
      </p>
      <div className="watch-grid">
        <section className="card watch-alerts">
          <h2>Alerts</h2>
          {events.length === 0 && <p className="muted">Nothing since this page opened.</p>}
          <ol className="watch-events">
            {events.map((e) => (
              <li
                key={e.leaf}
                className={e.alarm ? 'alarm' : ''}
                data-testid="watch-event"
                data-type={e.type}
                data-device={e.device}
              >
                <button type="button" className="link" onClick={() => setSelected(e.device)}>
                  {e.line}
                </button>
              </li>
            ))}
          </ol>
        </section>
        <section className="card watch-devices">
          <h2>
            Devices{' '}
            <span className="muted">({stopped === 0 ? 'all reading normally' : `${stopped} stopped`})</span>
          </h2>
          <table>
            <tbody>
              {devices.map((d) => (
                <tr
                  key={d.device}
                  className={d.device === selected ? 'chosen' : ''}
                  data-testid="watch-device"
                  data-user={d.user}
                  data-state={d.state}
                >
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(d.device)}>
                      {d.user}
                    </button>
                    <div className="muted small">
                      {d.label} · {d.role}
                    </div>
                  </td>
                  <td>
                    <span className={`state state-${d.state}`}>{stateName(d.state)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {chosen && (
        <section className="card watch-detail" data-testid="watch-detail" data-user={chosen.user}>
          <h2>
            {chosen.user} · {chosen.label}{' '}
            <span className={`state state-${chosen.state}`}>{stateName(chosen.state)}</span>
          </h2>
          {chosen.state !== 'active' && (
            <p className="muted">
              Since {when(chosen.since)}
              {chosen.reason ? `: ${chosen.reason}` : ''}
            </p>
          )}
          <div className="toolbar">
            <span>Cables read per 10 minutes over the last</span>
            {(['day', 'week'] as const).map((p) => (
              <button
                key={p}
                type="button"
                className={p === period ? '' : 'secondary'}
                onClick={() => setPeriod(p)}
                data-testid={`period-${p}`}
              >
                {p}
              </button>
            ))}
          </div>
          {activity && activity.device === chosen.device && activity.period === period ? (
            <ActivityChart activity={activity} />
          ) : (
            <p className="muted">Loading the chart…</p>
          )}
          {chosen.device !== me.device && <DeviceActs device={device} target={chosen} onDone={loadDevices} />}
        </section>
      )}
      <CanaryForm
        device={device}
        people={[...new Set(devices.filter((d) => d.device !== me.device).map((d) => d.user))].sort()}
      />
    </section>
  );
}

function DeviceActs(props: {
  readonly device: DeviceClient;
  readonly target: WatchDeviceRow;
  readonly onDone: () => Promise<void>;
}) {
  const { device, target } = props;
  const [act, setAct] = useState<Act | undefined>();
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const acts: Act[] = [
    ...(target.state === 'active' ? [] : (['release'] as const)),
    ...(target.state === 'suspended' ? [] : (['suspend'] as const)),
    'revoke',
  ];

  const run = async () => {
    if (!act) return;
    if (reason.trim().length < 3) return setMessage('Say why, in a few words: it goes into the audit log.');
    setBusy(true);
    setMessage('');
    try {
      if (act === 'revoke') {
        await withStepUp(device, () => device.call('revoke', target.device, reason.trim()));
      } else {
        await device.call(
          act === 'release' ? 'releaseDevice' : 'suspendDevice',
          target.device,
          reason.trim(),
        );
      }
      // The devices are read again before "done" is said, so the row shows the new state.
      await props.onDone();
      setMessage(`${ACT_NAMES[act]} ${target.user}: done.`);
      setAct(undefined);
      setReason('');
    } catch (error) {
      setMessage(`${ACT_NAMES[act]} ${target.user}: ${plainWords(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="watch-acts">
      <div className="toolbar">
        {acts.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'release' ? '' : 'danger'}
            onClick={() => {
              setAct(a);
              setMessage('');
            }}
            data-testid={`act-${a}`}
          >
            {ACT_NAMES[a]}…
          </button>
        ))}
      </div>
      {act && (
        <div className="act-form">
          <label>
            Why {act === 'release' ? 'release' : act === 'suspend' ? 'suspend' : 'revoke'} {target.user}'s{' '}
            {target.label}? (goes into the audit log)
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={500}
              placeholder={
                act === 'release' ? 'e.g. confirmed by phone with the person' : 'e.g. laptop reported stolen'
              }
              data-testid="act-reason"
            />
          </label>
          <button type="button" disabled={busy} onClick={run} data-testid="act-confirm">
            {ACT_NAMES[act]}
          </button>{' '}
          <button type="button" className="link" onClick={() => setAct(undefined)}>
            Cancel
          </button>
        </div>
      )}
      {message && (
        <p className="notice" data-testid="act-message">
          {message}
        </p>
      )}
    </div>
  );
}

function stateName(state: WatchDeviceRow['state']): string {
  return state === 'active' ? 'normal' : state;
}

function when(at: number | undefined): string {
  return at === undefined ? '?' : `${new Date(at * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
