/**
 * The audit page (docs/design.md §1, §8): who read which cable when, from which device, sign-ins and
 * refusals. A security officer sees their organisation's events, the network authority all.
 * The worker checks every event against its inclusion proof in a signed checkpoint before it
 * is shown; a page whose proofs fail shows the failure, never the events.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeviceClient } from './device-client.ts';
import type { AuditView, Me } from './device-protocol.ts';
import { plainWords } from './plain-words.ts';

const TYPES = [
  'cable.fetched',
  'cable.accepted',
  'cable.acknowledged',
  'attachment.fetched',
  'session.started',
  'session.stepped-up',
  'session.ended',
  'session.refused',
  'request.refused',
  'enrolment.requested',
  'passkey.registered',
  'invitation.created',
  'directory.entry',
  'log.alert',
] as const;

export function canAudit(me: Me): boolean {
  return me.role === 'security-officer' || me.role === 'network-authority';
}

export function AuditPage(props: { readonly device: DeviceClient; readonly me: Me }) {
  const { device, me } = props;
  const [type, setType] = useState('');
  const [view, setView] = useState<AuditView | undefined>();
  const [failure, setFailure] = useState('');
  const [loading, setLoading] = useState(false);
  const allowed = canAudit(me);

  const load = useCallback(async () => {
    setLoading(true);
    setFailure('');
    try {
      setView(await device.call('auditEvents', type ? { type } : {}));
    } catch (error) {
      setView(undefined);
      setFailure(`The audit log could not be shown. ${plainWords(error)}`);
    } finally {
      setLoading(false);
    }
  }, [device, type]);

  useEffect(() => {
    if (allowed) void load();
  }, [allowed, load]);

  if (!allowed) return <p>Only security officers and the network authority see this page.</p>;
  return (
    <section className="audit" data-testid="audit">
      <h1>Audit · {me.role === 'network-authority' ? 'the whole network' : me.orgName}</h1>
      <div className="toolbar">
        <label>
          Type{' '}
          <select value={type} onChange={(e) => setType(e.target.value)} data-testid="audit-type">
            <option value="">all</option>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void load()} disabled={loading} data-testid="audit-refresh">
          Refresh
        </button>
        {loading && <span className="muted">Checking proofs…</span>}
      </div>
      {failure && (
        <p className="error" role="alert" data-testid="audit-failure">
          {failure}
        </p>
      )}
      {view && (
        <p className="muted" data-testid="audit-checkpoint">
          {view.items.length} event{view.items.length === 1 ? '' : 's'}, newest first, each proven in the
          log's signed checkpoint of {view.size} entries.
          {view.more && ' Older events follow; narrow by type to see them.'}
        </p>
      )}
      {view && view.items.length === 0 && <p className="muted">No events.</p>}
      {view && view.items.length > 0 && (
        <table className="stack" data-testid="audit-events">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Type</th>
              <th>Who</th>
              <th>What</th>
              <th>Proof</th>
            </tr>
          </thead>
          <tbody>
            {view.items.map((row) => (
              <tr
                key={row.leaf}
                data-testid="audit-row"
                data-type={row.type}
                data-user={row.actor.user ?? ''}
                data-object={row.object.id}
              >
                <td title={new Date(row.at * 1000).toISOString()} data-label="Time">
                  {row.dtg}
                </td>
                <td data-label="Type">{row.type}</td>
                <td data-label="Who">
                  {row.actor.user ?? '-'}
                  {row.actor.device && <code> {row.actor.device.slice(0, 8)}…</code>}
                  {row.actor.org && ` · ${row.actor.org}`}
                </td>
                <td data-label="What">
                  {row.object.kind} <code>{reference(row.detail) ?? row.object.id}</code>
                  {row.object.org && ` · ${row.object.org}`}
                  {row.detail !== '{}' && <div className="muted">{row.detail}</div>}
                </td>
                <td className="ok" data-testid="audit-proof" title={`leaf ${row.leaf}`} data-label="Proof">
                  proof verified ✓
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A cable's reference (`DE/12/26`), when the event's detail names one. */
function reference(detail: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(detail);
    const value = (parsed as { reference?: unknown }).reference;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
