/**
 * The security officer's pages (docs/design.md §2, §5): another officer's command-line acts
 * waiting for this officer's confirmation, pending enrolments to approve, the
 * organisation's people and devices (revoke), and invitations (the one-time link is shown
 * once, here). Every act is signed with the organisation key this browser holds and needs a
 * fresh passkey touch (step-up).
 */
import { useCallback, useEffect, useState } from 'react';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import type { DeviceClient } from './device-client.ts';
import type {
  ApprovalConfirmation,
  DeviceRow,
  DirectoryView,
  HeldActRow,
  InvitationView,
  Me,
  PendingRow,
} from './device-protocol.ts';
import { HeldActsList } from './held-acts-list.tsx';
import { withStepUp } from './passkey-prompt.ts';
import { errorCode, plainWords } from './plain-words.ts';

export function OfficerPage(props: {
  readonly device: DeviceClient;
  readonly me: Me;
  readonly onError: (e: unknown) => void;
}) {
  const { device, me, onError } = props;
  const [pending, setPending] = useState<readonly PendingRow[]>([]);
  const [held, setHeld] = useState<readonly HeldActRow[]>([]);
  const [devices, setDevices] = useState<readonly DeviceRow[]>([]);
  const [directory, setDirectory] = useState<DirectoryView | undefined>();
  const [message, setMessage] = useState('');
  const [messageCode, setMessageCode] = useState<string | undefined>();
  const [hasKey, setHasKey] = useState(me.hasOrgKey);

  const load = useCallback(async () => {
    try {
      const [p, d, dir, h] = await Promise.all([
        device.call('pendingEnrolments'),
        device.call('devices'),
        device.call('directory'),
        device.call('heldActs'),
      ]);
      setPending(p);
      setHeld(h);
      setDevices(d);
      setDirectory(dir);
    } catch (error) {
      onError(error);
    }
  }, [device, onError]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: string, run: () => Promise<unknown>) => {
    setMessage('');
    setMessageCode(undefined);
    try {
      await withStepUp(device, run);
      // The lists are read again before "done" is said, so the page never shows an act
      // as done while it is still listed as waiting.
      await load();
      setMessage(`${what}: done.`);
    } catch (error) {
      setMessage(`${what}: ${plainWords(error)}`);
      setMessageCode(errorCode(error));
    }
  };

  if (me.role !== 'security-officer') return <p>Only security officers see this page.</p>;
  const people = (directory?.people ?? []).filter((p) => p.org === me.org);
  return (
    <section className="officer" data-testid="officer">
      <h1>Security officer · {me.orgName}</h1>
      {message && (
        <p className="notice" data-testid="officer-message" data-code={messageCode}>
          {message}
        </p>
      )}
      {!hasKey && <OrgKeyImport device={device} onDone={() => setHasKey(true)} />}
      <HeldActsList
        acts={held}
        onConfirm={(a) => act(`Confirm ${a.byName}'s request`, () => device.call('confirmAct', a.id))}
        onRefuse={(a, reason) =>
          act(`Refuse ${a.byName}'s request`, () => device.call('refuseAct', a.id, reason))
        }
      />
      <h2>Pending enrolments</h2>
      {pending.length === 0 && <p className="muted">None.</p>}
      <table className="stack" data-testid="pending">
        <tbody>
          {pending.map((p) => (
            <PendingApproval
              key={p.device}
              row={p}
              person={people.find((person) => person.user === p.user)}
              onApprove={(confirmation) =>
                act(`Approve ${p.user}`, () => device.call('approve', p.device, confirmation))
              }
            />
          ))}
        </tbody>
      </table>
      <h2>People and devices</h2>
      <table className="stack" data-testid="devices">
        <tbody>
          {people.map((person) => (
            <tr key={person.user}>
              <td data-label="Person">
                {person.name} ({person.user})
              </td>
              <td data-label="Role">
                {person.role} · {person.clearance} · {person.groups.join(', ') || 'no group'}
              </td>
              <td data-label="Devices">
                {!devices.some((d) => d.user === person.user) && (
                  <span className="muted" data-testid="no-device">
                    no device yet
                  </span>
                )}
                {devices
                  .filter((d) => d.user === person.user)
                  .map((d) => (
                    <div key={d.device} data-testid="device-row" data-user={d.user} data-status={d.status}>
                      {d.label} <code>{d.device.slice(0, 8)}…</code> {d.status}
                      {d.status === 'active' && d.device !== me.device && (
                        <RevokeDevice
                          label={d.label}
                          owner={person.name}
                          onRevoke={(reason) =>
                            act(`Revoke ${d.label} of ${d.user}`, () =>
                              device.call('revoke', d.device, reason),
                            )
                          }
                        />
                      )}
                    </div>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <InviteForm device={device} groups={directory?.groups ?? []} onInvited={load} />
    </section>
  );
}

/**
 * One pending enrolment (docs/design.md §5): the officer approves only when the code the
 * invitee reads from their device is the one shown here; when another device issued the
 * invitation, they paste the link they handed over, whose hidden half checks the keys.
 */
function PendingApproval(props: {
  readonly row: PendingRow;
  readonly person: DirectoryView['people'][number] | undefined;
  readonly onApprove: (confirmation: ApprovalConfirmation) => void;
}) {
  const { row: p, person } = props;
  const [link, setLink] = useState('');
  const [code, setCode] = useState('');
  const who = person?.name ?? p.user;
  return (
    <tr data-testid="pending-row" data-user={p.user}>
      <td data-label="Person">
        <strong>{who}</strong> ({p.user})
        {person && (
          <div className="muted" data-testid="pending-person">
            {person.role} · cleared {person.clearance} · {person.groups.join(', ') || 'no working group'}
          </div>
        )}
      </td>
      <td data-label="Device">
        {p.label} <code>{p.device.slice(0, 8)}…</code>
      </td>
      <td data-label="Asked">{new Date(p.createdAt * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z</td>
      <td>
        <span className="muted">Their device shows</span>{' '}
        <strong className="comparison-code" data-testid="pending-code">
          {p.comparisonCode}
        </strong>
        <label className="pending-check">
          Ask {who} to read you the code on their screen, by phone or in person, and type it:
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder="XXXX-XXXX-XXXX-XXXX"
            autoComplete="off"
            data-testid="pending-code-input"
          />
        </label>
        {!p.bound && (
          <input
            className="pending-link"
            value={link}
            placeholder="enrolment link you handed over"
            aria-label={`enrolment link you handed to ${p.user}`}
            onChange={(e) => setLink(e.target.value)}
            data-testid="pending-link"
          />
        )}
      </td>
      <td>
        <button
          type="button"
          disabled={code.trim() === '' || (!p.bound && link.trim() === '')}
          aria-label={`Approve ${p.label} of ${who}`}
          onClick={() =>
            props.onApprove({
              // The code the person read out, as typed: the worker compares it with their keys'.
              comparisonCode: code.trim().toUpperCase(),
              ...(p.bound ? {} : { invitationLink: link }),
            })
          }
          data-testid="approve"
        >
          Approve
        </button>
      </td>
    </tr>
  );
}

function InviteForm(props: {
  readonly device: DeviceClient;
  readonly groups: readonly string[];
  readonly onInvited: () => void;
}) {
  const [user, setUser] = useState('');
  const [name, setName] = useState('');
  const [clearance, setClearance] = useState('RESTREINT UE');
  const [role, setRole] = useState('member');
  const [groups, setGroups] = useState<readonly string[]>([]);
  const [made, setMade] = useState<InvitationView | undefined>();
  const [error, setError] = useState('');
  const invite = async () => {
    setError('');
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(user.trim()))
      return setError('The user id is lowercase letters, digits, . _ -, e.g. de.maria.');
    if (name.trim() === '') return setError('Give the person’s name.');
    try {
      setMade(
        await withStepUp(props.device, () =>
          props.device.call('invite', { user, name, clearance, role, groups }),
        ),
      );
      props.onInvited();
    } catch (e) {
      setError(plainWords(e));
    }
  };
  return (
    <section className="card" data-testid="invite">
      <h2>Invite a person</h2>
      <div className="grid">
        <label>
          User id
          <input
            value={user}
            onChange={(e) => setUser(e.target.value)}
            placeholder="de.maria"
            data-testid="invite-user"
          />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="invite-name" />
        </label>
        <label>
          Clearance
          <select value={clearance} onChange={(e) => setClearance(e.target.value)}>
            {CLASSIFICATIONS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option>member</option>
            <option>registry</option>
            <option>security-officer</option>
          </select>
        </label>
      </div>
      <fieldset>
        <legend>Working groups</legend>
        {props.groups.map((g) => (
          <label key={g} className="inline">
            <input
              type="checkbox"
              checked={groups.includes(g)}
              onChange={() => setGroups(groups.includes(g) ? groups.filter((x) => x !== g) : [...groups, g])}
            />
            {g}
          </label>
        ))}
      </fieldset>
      <button type="button" onClick={invite} data-testid="invite-send">
        Create one-time link
      </button>
      {error && <p className="error">{error}</p>}
      {made && (
        <p data-testid="invitation-link">
          One-time link for {made.user}, valid until{' '}
          {new Date(made.expiresAt * 1000).toISOString().slice(0, 16)}Z (shown only now):
          <br />
          <code className="link-text">{made.link}</code>
        </p>
      )}
    </section>
  );
}

function OrgKeyImport(props: { readonly device: DeviceClient; readonly onDone: () => void }) {
  const [seed, setSeed] = useState('');
  const [error, setError] = useState('');
  return (
    <section className="card">
      <h2>Organisation key</h2>
      <p>
        Approving, inviting and revoking are signed with your organisation's key. Load it into this browser
        (it is kept non-extractable).
      </p>
      <input
        value={seed}
        onChange={(e) => setSeed(e.target.value)}
        placeholder="organisation key (base64url)"
        autoComplete="off"
        spellCheck={false}
      />
      <button
        type="button"
        onClick={async () => {
          try {
            await props.device.call('importOrgKey', seed);
            setSeed('');
            props.onDone();
          } catch (e) {
            setError(plainWords(e));
          }
        }}
      >
        Load key
      </button>
      {error && <p className="error">{error}</p>}
    </section>
  );
}

/**
 * Revoking a device: a second step that names the device and asks why, since a revocation
 * cannot be undone and its reason goes into the audit log.
 */
function RevokeDevice(props: {
  readonly label: string;
  readonly owner: string;
  readonly onRevoke: (reason: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) {
    return (
      <button
        type="button"
        className="link"
        aria-label={`Revoke ${props.label} of ${props.owner}`}
        onClick={() => setOpen(true)}
        data-testid="revoke"
      >
        revoke
      </button>
    );
  }
  return (
    <span className="revoke-confirm" data-testid="revoke-confirm">
      <label>
        Why revoke {props.owner}'s {props.label}? (for the audit log; it cannot be undone)
        <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="revoke-reason" />
      </label>
      <button
        type="button"
        disabled={reason.trim().length < 3}
        onClick={() => props.onRevoke(reason.trim())}
        data-testid="revoke-confirm-button"
      >
        Revoke {props.label}
      </button>
      <button type="button" className="link" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </span>
  );
}
