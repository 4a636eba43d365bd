/**
 * The two-person rule for officer acts from the command line (docs/design.md §5, "Officer
 * acts"). A command-line device proves only that someone holds its key file: a copied
 * officer folder (device key and organisation key file) must not be enough, alone, to invite
 * a person, certify them or their device, or revoke anyone. So an officer act signed by a
 * device without a passkey does not take effect: once every check of its route has passed,
 * it is held, exactly as signed, until a security officer of the same organisation who is
 * another person confirms it (routes/officer-acts.ts). A browser device's act needs a fresh
 * passkey touch instead (web/step-up-rule.ts), which a copied folder cannot give.
 *
 * Checks, in order:
 * - the act passed its route's own checks (officer of the organisation, not for themselves,
 *   AAL3, the directory's replay), so a held act is one that would take effect now;
 * - the organisation has a second security officer, a different user with a device in
 *   force; otherwise no one could confirm, and the act is refused (SECOND_OFFICER_REQUIRED),
 *   saying to act from the browser with a passkey.
 */
import type { HeldActType, HeldAnswer } from '../core/api/officer-act-routes.ts';
import { encodeCanonical, type JsonValue } from '../core/encoding/canonical-json.ts';
import { randomId } from '../core/encoding/identifiers.ts';
import type { CertificateBody } from '../core/identity/certificate.ts';
import type { Directory, DirectoryDevice } from '../core/identity/directory.ts';
import { actorOf, auditRecord } from './audit-event.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError } from './server-error.ts';
import type { HeldActKind } from './store/officer-act-store.ts';

/** How long a held act waits for its second officer. */
export const HELD_ACT_SECONDS = 24 * 3600;

/** True when `actor`'s officer act is held: its device has no passkey (a command-line device). */
export async function mustHold(ctx: ServerContext, actor: DirectoryDevice): Promise<boolean> {
  return !(await ctx.store.web.passkeyOfDevice(actor.device.device));
}

/** The security-officer users of `org`, other than `user`, with a device in force. */
export function otherOfficers(directory: Directory, org: string, user: string): Set<string> {
  const users = new Set<string>();
  for (const d of directory.devices()) {
    if (d.org.org === org && d.user.role === 'security-officer' && d.user.user !== user)
      users.add(d.user.user);
  }
  return users;
}

/** SECOND_OFFICER_REQUIRED unless another officer of the organisation could confirm. */
export function requireSecondOfficer(directory: Directory, actor: DirectoryDevice): void {
  if (otherOfficers(directory, actor.org.org, actor.user.user).size > 0) return;
  throw new ServerError(
    'SECOND_OFFICER_REQUIRED',
    `${actor.org.org} has one security officer: an officer act from the command line needs a second officer to confirm it; act from your browser device, with a passkey touch`,
  );
}

/** The user an entry is about: certified, whose device is certified, or revoked. */
export function subjectOf(body: CertificateBody, directory: Directory): string | undefined {
  if (body.kind === 'user' || body.kind === 'device') return body.user;
  if (body.kind !== 'revocation') return undefined;
  if (body.subject === 'user') return body.id;
  if (body.subject !== 'device') return undefined;
  for (const entry of directory.entries) {
    if (entry.body.kind === 'device' && entry.body.device === body.id) return entry.body.user;
  }
  return undefined;
}

export interface HoldRequest {
  readonly kind: HeldActKind;
  readonly act: HeldActType;
  readonly actor: DirectoryDevice;
  readonly subject: string;
  /** The route's body as posted. */
  readonly body: JsonValue;
  readonly now: number;
}

/** Stores the act with its `officer-act.held` event; the route answers 202 with this. */
export async function holdAct(ctx: ServerContext, request: HoldRequest): Promise<HeldAnswer> {
  const { actor, now } = request;
  const id = randomId();
  const org = actor.org.org;
  const expiresAt = now + HELD_ACT_SECONDS;
  await ctx.store.officerActs.hold(
    {
      id,
      org,
      kind: request.kind,
      device: actor.device.device,
      user: actor.user.user,
      subject: request.subject,
      body: encodeCanonical(request.body),
      createdAt: now,
      expiresAt,
    },
    auditRecord({
      at: now,
      type: 'officer-act.held',
      actor: actorOf(actor),
      object: { kind: 'officer-act', id, org },
      detail: { act: request.act, subject: request.subject, expiresAt },
    }),
  );
  return {
    held: { id, org, act: request.act, expiresAt },
    message: `${describeAct(request.act, request.subject)} is held until a second security officer of ${org} confirms it: valise officer confirm ${id}, or the Officer page; it expires at ${new Date(expiresAt * 1000).toISOString()}`,
  };
}

function describeAct(act: HeldActType, subject: string): string {
  switch (act) {
    case 'invitation':
      return `the invitation for ${subject}`;
    case 'user':
      return `the user certificate of ${subject}`;
    case 'device':
      return `the device certificate for ${subject}`;
    case 'revocation':
      return `the revocation concerning ${subject}`;
  }
}
