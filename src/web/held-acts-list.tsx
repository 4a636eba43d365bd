/**
 * "Waiting for your confirmation" on the officer's page (docs/design.md §5, "Officer acts"):
 * the acts another officer of the organisation posted from the command line, held until a
 * second officer confirms them. Each row says who asked, what (the person, their clearance
 * and groups, the device and the code it shows its user), and until when; Confirm is a step-up
 * act (a fresh passkey touch), Refuse asks for a reason. Acts the officer posted, or that are
 * about them, are listed for another officer to decide.
 */
import { useState } from 'react';
import type { HeldActRow } from './device-protocol.ts';

export function HeldActsList(props: {
  readonly acts: readonly HeldActRow[];
  readonly onConfirm: (act: HeldActRow) => void;
  readonly onRefuse: (act: HeldActRow, reason: string) => void;
}) {
  const { acts } = props;
  return (
    <>
      <h2>Waiting for your confirmation</h2>
      {acts.length === 0 && <p className="muted">None.</p>}
      <table className="stack" data-testid="held-acts">
        <tbody>
          {acts.map((act) => (
            <HeldActRowView key={act.id} act={act} onConfirm={props.onConfirm} onRefuse={props.onRefuse} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function HeldActRowView(props: {
  readonly act: HeldActRow;
  readonly onConfirm: (act: HeldActRow) => void;
  readonly onRefuse: (act: HeldActRow, reason: string) => void;
}) {
  const { act } = props;
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <tr data-testid="held-act" data-act={act.act} data-id={act.id}>
      <td>
        <strong>{act.byName}</strong> ({act.by}) asks to {act.what}.
        <div className="muted">
          Asked {when(act.createdAt)} from a command-line device; expires {when(act.expiresAt)}.
        </div>
        {act.comparisonCode && (
          <div>
            The new device shows <code data-testid="held-act-code">{act.comparisonCode}</code>: ask{' '}
            {act.subjectName} to read it to you before you confirm.
          </div>
        )}
      </td>
      <td>
        {act.mine ? (
          <span className="muted" data-testid="held-act-mine">
            Yours, or about you: another security officer decides.
          </span>
        ) : refusing ? (
          <span className="revoke-confirm">
            <label>
              Why refuse? (kept with the decision)
              <input
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                data-testid="held-act-reason"
              />
            </label>
            <button
              type="button"
              disabled={reason.trim().length < 3}
              onClick={() => props.onRefuse(act, reason.trim())}
              data-testid="held-act-refuse-button"
            >
              Refuse
            </button>
            <button type="button" className="link" onClick={() => setRefusing(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <>
            <button type="button" onClick={() => props.onConfirm(act)} data-testid="held-act-confirm">
              Confirm (passkey)
            </button>{' '}
            <button
              type="button"
              className="link"
              onClick={() => setRefusing(true)}
              data-testid="held-act-refuse"
            >
              Refuse
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

function when(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
