/**
 * The audit page (docs/design.md §1, §8): who read which cable when, from which device, sign-ins and
 * refusals. A security officer sees their organisation's events, the network authority all.
 * The worker checks every event against its inclusion proof in a signed checkpoint before it
 * is shown. An event whose proof fails is never shown as an event: its row is marked, in words,
 * with what failed and what to do, and the page lists every other event; a checkpoint that
 * fails shows the failure alone, since then nothing is proven.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { auditSummary } from './audit-summary.ts';
import type { DeviceClient } from './device-client.ts';
import type { AuditFailedRow, AuditRow, AuditView, Me } from './device-protocol.ts';
import { plainWords } from './plain-words.ts';

const TYPES = [
  'cable.fetched',
  'cable.listed',
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
  'officer-act.held',
  'officer-act.confirmed',
  'officer-act.refused',
  'log.alert',
] as const;

/** Event types as the filter names them. */
const TYPE_NAMES: { readonly [type in (typeof TYPES)[number]]: string } = {
  'cable.fetched': 'cable opened',
  'cable.listed': 'subjects listed',
  'cable.accepted': 'cable sent',
  'cable.acknowledged': 'cable acknowledged',
  'attachment.fetched': 'attachment downloaded',
  'session.started': 'signed in',
  'session.stepped-up': 'passkey step-up',
  'session.ended': 'signed out',
  'session.refused': 'sign-in refused',
  'request.refused': 'request refused',
  'enrolment.requested': 'enrolment requested',
  'passkey.registered': 'passkey registered',
  'invitation.created': 'invitation created',
  'directory.entry': 'certificate issued or revoked',
  'officer-act.held': 'officer act held for a second officer',
  'officer-act.confirmed': 'officer act confirmed',
  'officer-act.refused': 'officer act refused',
  'log.alert': 'log alert',
};

export function canAudit(me: Me): boolean {
  return me.role === 'security-officer' || me.role === 'network-authority';
}

export function AuditPage(props: { readonly device: DeviceClient; readonly me: Me }) {
  const { device, me } = props;
  const [type, setType] = useState('');
  const [person, setPerson] = useState('');
  const [cable, setCable] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [view, setView] = useState<AuditView | undefined>();
  const [failure, setFailure] = useState('');
  const [loading, setLoading] = useState(false);
  const allowed = canAudit(me);

  // Only the newest request's answer is shown: an older one arriving late is dropped.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const asked = ++latest.current;
    setLoading(true);
    setFailure('');
    try {
      const answer = await device.call('auditEvents', type ? { type } : {});
      if (asked === latest.current) setView(answer);
    } catch (error) {
      if (asked !== latest.current) return;
      setView(undefined);
      setFailure(`The audit log could not be shown. ${plainWords(error)}`);
    } finally {
      if (asked === latest.current) setLoading(false);
    }
  }, [device, type]);

  useEffect(() => {
    if (allowed) void load();
  }, [allowed, load]);

  const people = useMemo(
    () => [...new Set((view?.items ?? []).flatMap((row) => (row.person ? [row.person] : [])))].sort(),
    [view],
  );
  const shown = useMemo(
    () => (view?.items ?? []).filter(matches({ person, cable: cable.trim().toUpperCase(), from, to })),
    [view, person, cable, from, to],
  );
  // A failed row stays whatever the filters: nothing it claims can be matched, and it must be seen.
  const rows = useMemo(
    () =>
      [
        ...shown.map((row) => ({ kind: 'proven' as const, row })),
        ...(view?.failed ?? []).map((row) => ({ kind: 'failed' as const, row })),
      ].sort((a, b) => b.row.leaf - a.row.leaf),
    [shown, view],
  );
  const troubled =
    view !== undefined && (view.failed.length > 0 || view.gaps.length > 0 || view.unproven.length > 0);

  if (!allowed) return <p>Only security officers and the network authority see this page.</p>;
  return (
    <section className="audit" data-testid="audit">
      <h1>Audit · {me.role === 'network-authority' ? 'the whole network' : me.orgName}</h1>
      <div className="toolbar filters">
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} data-testid="audit-type">
            <option value="">all</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_NAMES[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Person
          <select value={person} onChange={(e) => setPerson(e.target.value)} data-testid="audit-person">
            <option value="">everyone</option>
            {people.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Cable
          <input
            value={cable}
            onChange={(e) => setCable(e.target.value)}
            placeholder="DE/1/26"
            data-testid="audit-cable"
          />
        </label>
        <label>
          From
          <input
            type="date"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="audit-from"
          />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="audit-to" />
        </label>
        <button type="button" onClick={() => void load()} disabled={loading} data-testid="audit-refresh">
          Refresh
        </button>
        <button
          type="button"
          className="secondary"
          disabled={shown.length === 0}
          onClick={() => downloadCsv(shown)}
          data-testid="audit-csv"
        >
          Export CSV
        </button>
        {loading && <span className="muted">Checking proofs…</span>}
      </div>
      {failure && (
        <p className="error" role="alert" data-testid="audit-failure">
          {failure}
        </p>
      )}
      {view && (
        <p
          className={troubled ? 'verification bad' : 'verification good'}
          role={troubled ? 'alert' : 'status'}
          data-testid="audit-checkpoint"
        >
          {auditSummary(view, shown.length)}
        </p>
      )}
      {view && view.gaps.length > 0 && (
        <p className="error" role="alert" data-testid="audit-gaps">
          Missing from the log: {view.gaps.length === 1 ? 'event' : 'events'}{' '}
          {view.gaps.map((leaf) => `#${leaf}`).join(', ')}. The server did not serve{' '}
          {view.gaps.length === 1 ? 'it' : 'them'}: deleted or withheld. Tell the security officers of every
          organisation.
        </p>
      )}
      {view?.witnessLag && (
        <p className="error" data-testid="audit-witness-lag">
          Witnesses lag: {view.witnessLag}.
        </p>
      )}
      {view && view.unproven.length > 0 && (
        <p className="error" role="alert" data-testid="audit-unproven">
          {view.failed.length > 0
            ? `Because of the failed ${view.failed.length === 1 ? 'row' : 'rows'}, whether events are missing from this listing could not be checked either.`
            : `The log's entries ${view.unproven.map((r) => `#${r.from}–#${r.to - 1}`).join(', ')} do not rebuild its signed checkpoint: events of this listing may have been altered or left out. Tell the network authority and the security officers of every organisation.`}
        </p>
      )}
      {view && rows.length === 0 && <p className="muted">No events.</p>}
      {rows.length > 0 && (
        <table className="stack" data-testid="audit-events">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>What happened</th>
              <th>Event</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((entry) =>
              entry.kind === 'failed' ? (
                <FailedRow key={entry.row.leaf} row={entry.row} />
              ) : (
                <ProvenRow key={entry.row.leaf} row={entry.row} />
              ),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One proven event. */
function ProvenRow({ row }: { readonly row: AuditRow }) {
  return (
    <tr
      data-testid="audit-row"
      data-type={row.type}
      data-user={row.actor.user ?? ''}
      data-object={row.object.id}
    >
      <td data-label="Time" className="nowrap">
        <time dateTime={isoTime(row.at)} title={`${row.dtg} · ${localTime(row.at)} your time`}>
          {utcTime(row.at)}
        </time>
      </td>
      <td data-label="What happened" data-testid="audit-sentence">
        {row.sentence}
      </td>
      <td data-label="Event" className="muted">
        <span data-testid="audit-proof" title={`proven: leaf ${row.leaf} of the log`}>
          {TYPE_NAMES[row.type as (typeof TYPES)[number]] ?? row.type} · #{row.leaf}
        </span>
      </td>
    </tr>
  );
}

/** An event the server served that did not prove: marked in words, with what to do. */
function FailedRow({ row }: { readonly row: AuditFailedRow }) {
  return (
    <tr className="failed" data-testid="audit-row-failed" data-leaf={row.leaf}>
      <td data-label="Check">
        <strong className="failed-mark">
          <span aria-hidden="true">⚠ </span>Not proven
        </strong>
      </td>
      <td data-label="What happened" data-testid="audit-failed-what">
        Event #{row.leaf} failed its check: {row.what}. The log may have been altered. Do not rely on this
        event: keep this page, and tell the network authority and the security officers of every organisation.
      </td>
      <td data-label="Event">
        <span data-testid="audit-proof">not proven · #{row.leaf}</span>
      </td>
    </tr>
  );
}

/** The filters the officer set, over rows already proven. */
function matches(filter: { person: string; cable: string; from: string; to: string }) {
  const since = filter.from ? Date.parse(`${filter.from}T00:00:00Z`) / 1000 : undefined;
  const until = filter.to ? Date.parse(`${filter.to}T00:00:00Z`) / 1000 + 86_400 : undefined;
  return (row: AuditRow) =>
    (filter.person === '' || row.person === filter.person) &&
    (filter.cable === '' || (row.reference ?? '').toUpperCase().includes(filter.cable)) &&
    (since === undefined || row.at >= since) &&
    (until === undefined || row.at < until);
}

function isoTime(at: number): string {
  return new Date(at * 1000).toISOString();
}

/** `2026-12-04 14:02:37Z`: to the second, as an investigation needs. */
function utcTime(at: number): string {
  return `${isoTime(at).slice(0, 19).replace('T', ' ')}Z`;
}

function localTime(at: number): string {
  return new Date(at * 1000).toLocaleString();
}

/** The rows shown, as a CSV file the officer keeps or hands on (RFC 4180 quoting). */
function downloadCsv(rows: readonly AuditRow[]): void {
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const lines = [
    ['time_utc', 'type', 'person', 'user', 'device', 'cable', 'what', 'leaf'].join(','),
    ...rows.map((row) =>
      [
        isoTime(row.at),
        row.type,
        row.person ?? '',
        row.actor.user ?? '',
        row.actor.device ?? '',
        row.reference ?? '',
        row.sentence,
        String(row.leaf),
      ]
        .map(quote)
        .join(','),
    ),
  ];
  const url = URL.createObjectURL(new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `valise-audit-${new Date().toISOString().slice(0, 10)}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
