/**
 * The second officer's side of the two-person rule (docs/design.md §5, "Officer acts"): the
 * officer acts of this organisation that wait for a confirmation, what each one is, and the
 * confirmation or refusal, each its own signed request.
 *
 * Before confirming, the client checks what it is asked to confirm, in order:
 * 1. the act is one the server lists as waiting, for this device's organisation;
 * 2. a held directory entry verifies under the organisation key of the verified directory
 *    (the officer who posted it signed exactly it), so the server cannot show one act and
 *    hold another signed one;
 * 3. this officer is neither the one who posted it nor the one it is about (the server
 *    refuses too, SELF_APPROVAL).
 */
import type { HeldAct } from '../core/api/officer-act-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import { comparisonCode } from '../core/identity/enrolment-binding.ts';
import { verifyCertificate } from '../core/identity/verify-certificate.ts';
import { ClientError } from './client-error.ts';
import type { DeviceSession } from './open-session.ts';

type Session = Pick<DeviceSession, 'api' | 'device' | 'directory'>;

/** One waiting act, in words a person checks before confirming. */
export interface HeldActSummary {
  readonly id: string;
  readonly act: HeldAct['act'];
  /** Who asked: the officer's user id and name, and their device. */
  readonly by: string;
  readonly byName: string;
  readonly device: string;
  /** Whom it concerns, and their name as the act or the directory gives it. */
  readonly subject: string;
  readonly subjectName: string;
  /** What it does, in one line. */
  readonly what: string;
  /** For a device approval: the code the new device shows its user, to compare by phone. */
  readonly comparisonCode?: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Whether this officer may decide it (not their own act, not about them). */
  readonly mine: boolean;
}

export async function listHeldActs(session: Pick<Session, 'api'>): Promise<readonly HeldAct[]> {
  return (await session.api.call(ROUTES.heldActs)).items;
}

/** The act in words, from the act as signed and the verified directory. */
export function summariseHeldAct(
  session: Pick<Session, 'device' | 'directory'>,
  act: HeldAct,
): HeldActSummary {
  const { directory, device } = session;
  const nameOf = (user: string) => directory.user(user)?.name ?? user;
  let what: string;
  let subjectName = nameOf(act.subject);
  let code: string | undefined;
  const body = act.entry?.body;
  if (act.invitation) {
    what = `invite ${subjectName} (${act.subject}) to enrol a device, until ${iso(act.invitation.expiresAt)}`;
  } else if (body?.kind === 'user') {
    subjectName = body.name;
    const groups = body.groups.length > 0 ? body.groups.join(', ') : 'no working group';
    what = `${directory.user(body.user) ? 'change' : 'add'} ${body.name} (${body.user}): ${body.role}, cleared ${body.clearance}, ${groups}`;
  } else if (body?.kind === 'device') {
    code = comparisonCode(body.signingKey, body.kemKey);
    what = `approve the device "${body.label}" of ${subjectName} (${body.user}), valid until ${iso(body.expiresAt)}; its code ${code}`;
  } else if (body?.kind === 'revocation') {
    what = `revoke ${body.subject} ${body.id} (${subjectName}): ${body.reason}`;
  } else {
    what = `${act.act} concerning ${act.subject}`;
  }
  return {
    id: act.id,
    act: act.act,
    by: act.user,
    byName: nameOf(act.user),
    device: act.device,
    subject: act.subject,
    subjectName,
    what,
    ...(code ? { comparisonCode: code } : {}),
    createdAt: act.createdAt,
    expiresAt: act.expiresAt,
    mine: act.user === device.user || act.subject === device.user,
  };
}

/** Confirms the act `id` after the checks of the module header; answers what took effect. */
export async function confirmHeldAct(session: Session, id: string) {
  const act = await waitingAct(session, id);
  // 2.
  if (act.entry) {
    const org = session.directory.org(act.org);
    if (!org || !(await verifyCertificate(act.entry, org.key))) {
      throw new ClientError(
        'DIRECTORY_INVALID',
        `held act ${id} is not signed by the key of ${act.org} in the verified directory; do not confirm it, and report the server`,
      );
    }
  }
  // 3.
  requireAnotherPerson(session, act, 'confirm');
  return session.api.call(ROUTES.confirmAct, { params: { id }, body: {} });
}

/** Refuses (or, for the officer who posted it, withdraws) the act `id`, with a reason. */
export async function refuseHeldAct(session: Session, id: string, reason: string) {
  const act = await waitingAct(session, id);
  if (act.subject === session.device.user) {
    throw new ClientError('INVALID_ARGUMENT', `act ${id} is about you: another security officer decides it`);
  }
  return session.api.call(ROUTES.refuseAct, { params: { id }, body: { reason } });
}

// 1.
async function waitingAct(session: Session, id: string): Promise<HeldAct> {
  const act = (await listHeldActs(session)).find((a) => a.id === id);
  if (!act || act.org !== session.device.org) {
    throw new ClientError(
      'NOT_FOUND',
      `no officer act ${id} waits for a confirmation in ${session.device.org}; run valise officer pending to list them`,
    );
  }
  return act;
}

function requireAnotherPerson(session: Session, act: HeldAct, what: string): void {
  if (act.user === session.device.user) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      `act ${act.id} is your own: another security officer of ${act.org} must ${what} it`,
    );
  }
  if (act.subject === session.device.user) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      `act ${act.id} is about you: another security officer of ${act.org} must ${what} it`,
    );
  }
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
