/**
 * Compose's "who will be able to read it": the devices entitled to the draft, grouped by
 * organisation, and each addressee nobody there may read the cable for (docs/design.md §6:
 * such an addressee receives nothing). An action addressee left out blocks sending until
 * the sender confirms "send anyway".
 */
import type { Draft, RecipientView } from './device-protocol.ts';
import { count } from './plain-words.ts';

export interface Unreachable {
  readonly org: string;
  readonly role: 'action' | 'info';
}

/**
 * The addressees of `draft` with no entitled device among `recipients`; none while the
 * recipients are not `current` (computed for an older draft).
 */
export function unreachableAddressees(
  draft: Draft,
  recipients: readonly RecipientView[],
  current: boolean,
): Unreachable[] {
  const reached = new Set(recipients.map((r) => r.org));
  return [
    ...draft.action.map((org) => ({ org, role: 'action' as const })),
    ...draft.info.filter((org) => !draft.action.includes(org)).map((org) => ({ org, role: 'info' as const })),
  ].filter((a) => current && !reached.has(a.org));
}

export function RecipientsPreview(props: {
  readonly draft: Draft;
  readonly orgs: readonly { readonly org: string; readonly name: string }[];
  readonly recipients: readonly RecipientView[];
  readonly unreachable: readonly Unreachable[];
  readonly sendAnyway: boolean;
  readonly onSendAnyway: (confirmed: boolean) => void;
}) {
  const { draft, recipients, unreachable } = props;
  const orgName = new Map(props.orgs.map((o) => [o.org, o.name]));
  const byOrg = new Map<string, RecipientView[]>();
  for (const r of recipients) byOrg.set(r.org, [...(byOrg.get(r.org) ?? []), r]);
  const unreachableAction = unreachable.filter((a) => a.role === 'action').map((a) => a.org);
  return (
    <section className="recipients" data-testid="recipients">
      <h2>Who will be able to read it ({count(recipients.length, 'device')})</h2>
      {recipients.length === 0 && <p className="muted">Choose addressees to see who is entitled.</p>}
      <ul>
        {[...byOrg].map(([org, list]) => (
          <li key={org} data-testid="recipient-org" data-org={org}>
            <strong>{org}</strong> {orgName.get(org) ?? ''}:{' '}
            {list.map((r) => `${r.name} (${r.label})`).join(', ')}
          </li>
        ))}
        {unreachable.map((a) => (
          <li key={a.org} className="error" data-testid="undeliverable" data-org={a.org}>
            <strong>{a.org}</strong> ({a.role}) — nobody can read this cable: nobody there is cleared for{' '}
            {draft.classification}
            {draft.groups.length > 0 ? ` and in ${draft.groups.join(', ')}` : ''}.
          </li>
        ))}
      </ul>
      {unreachableAction.length > 0 && (
        <label className="inline">
          <input
            type="checkbox"
            checked={props.sendAnyway}
            onChange={(e) => props.onSendAnyway(e.target.checked)}
            data-testid="send-anyway"
          />
          Send anyway: {unreachableAction.join(', ')} will not be able to act on it
        </label>
      )}
    </section>
  );
}
