/**
 * A security officer's acts in the worker (docs/design.md §5, §8): pending enrolments and the
 * organisation's devices, approving, revoking and inviting with the organisation key this
 * browser holds, and importing that key.
 * Each act that changes the directory reopens the session, so the page sees it at once.
 */
import { approve as approveDevice, listPending, pendingComparisonCode } from '../client/approve.ts';
import { ClientError } from '../client/client-error.ts';
import { type InvitationBook, invitationBook } from '../client/invitation-book.ts';
import { invite as inviteUser } from '../client/invite.ts';
import type { ExportableSigner } from '../client/key-store.ts';
import { listDevices } from '../client/list-devices.ts';
import { confirmHeldAct, listHeldActs, refuseHeldAct, summariseHeldAct } from '../client/officer-acts.ts';
import { requireOrgKey } from '../client/org-key.ts';
import { revoke as revokeDevice } from '../client/revoke.ts';
import { signerFromSeed } from '../core/crypto/ed25519.ts';
import type { DeviceContext } from './device-context.ts';
import type {
  ApprovalConfirmation,
  DeviceRow,
  HeldActRow,
  InvitationView,
  PendingRow,
} from './device-protocol.ts';
import { classificationOf } from './draft-fields.ts';
import type { SealedRecord } from './local-cipher.ts';
import { orgKeySeed } from './org-key-seed.ts';

export async function pendingEnrolments(device: DeviceContext): Promise<readonly PendingRow[]> {
  const book = await invitations(device);
  const rows: PendingRow[] = [];
  for (const p of await listPending(device.live())) {
    rows.push({
      device: p.device,
      user: p.user,
      label: p.label,
      createdAt: p.createdAt,
      comparisonCode: pendingComparisonCode(p),
      bound: p.invitation !== undefined && (await book.find(p.invitation)) !== undefined,
    });
  }
  return rows;
}

export async function devices(device: DeviceContext): Promise<readonly DeviceRow[]> {
  return (await listDevices(device.live())).map((d) => ({
    device: d.device,
    user: d.user,
    label: d.label,
    status: d.status,
  }));
}

/**
 * Approves with the comparison code the officer saw on the row they approved (so keys that
 * changed since the page listed them are refused), and the link they handed over when this
 * browser did not issue the invitation.
 */
export async function approve(
  device: DeviceContext,
  target: string,
  confirmation: ApprovalConfirmation,
): Promise<void> {
  const link = confirmation.invitationLink?.trim();
  await approveDevice({
    session: device.live(),
    orgKey: await orgKey(device),
    device: target,
    invitations: await invitations(device),
    comparisonCode: confirmation.comparisonCode,
    ...(link ? { invitationCode: codeOfLink(link) } : {}),
  });
  await device.startSession();
}

/** The organisation's held officer acts, in words (client/officer-acts.ts). */
export async function heldActs(device: DeviceContext): Promise<readonly HeldActRow[]> {
  const session = device.live();
  return (await listHeldActs(session)).map((act) => summariseHeldAct(session, act));
}

/** Confirms another officer's held act; the directory may change, so the session reopens. */
export async function confirmAct(device: DeviceContext, id: string): Promise<void> {
  await confirmHeldAct(device.live(), id);
  await device.startSession();
}

export async function refuseAct(device: DeviceContext, id: string, reason: string): Promise<void> {
  await refuseHeldAct(device.live(), id, reason);
}

/** The code in an enrolment link (`…/#/enrol/<code>[/org-key/…]`), or the code itself. */
function codeOfLink(link: string): string {
  const at = link.indexOf('#/enrol/');
  return at < 0 ? link : (link.slice(at + '#/enrol/'.length).split('/')[0] ?? '');
}

/** The invitations this browser issued, sealed in IndexedDB under the device's local key. */
async function invitations(device: DeviceContext): Promise<InvitationBook> {
  const { db, cipher } = await device.open();
  return invitationBook(
    {
      read: async () => {
        const record = await db.get<SealedRecord>('blobs', 'invitations');
        return record ? cipher.open('invitations', record) : undefined;
      },
      write: async (data) => db.put('blobs', 'invitations', await cipher.seal('invitations', data)),
    },
    () => device.clock.nowSeconds(),
  );
}

export async function revoke(device: DeviceContext, target: string, reason: string): Promise<void> {
  await revokeDevice({ session: device.live(), orgKey: await orgKey(device), target, reason });
  await device.startSession();
}

export interface InviteRequest {
  readonly user: string;
  readonly name: string;
  readonly clearance: string;
  readonly role: string;
  readonly groups: readonly string[];
}

export async function invite(device: DeviceContext, request: InviteRequest): Promise<InvitationView> {
  const role = request.role === 'registry' || request.role === 'security-officer' ? request.role : 'member';
  const made = await inviteUser({
    session: device.live(),
    orgKey: await orgKey(device),
    invitations: await invitations(device),
    invitee: {
      user: request.user.trim(),
      name: request.name.trim(),
      clearance: classificationOf(request.clearance),
      role,
      groups: request.groups,
    },
  });
  await device.startSession();
  return { link: `${device.origin}/#/enrol/${made.code}`, expiresAt: made.expiresAt, user: made.user.user };
}

export async function importOrgKey(device: DeviceContext, seed: string): Promise<void> {
  const session = device.live();
  const signer = await signerFromSeed(orgKeySeed(seed), false);
  requireOrgKey(session.directory, session.device.org, signer);
  await (await device.open()).keys.saveOrgKey(session.device.org, signer);
}

async function orgKey(device: DeviceContext): Promise<ExportableSigner> {
  const session = device.live();
  const key = await (await device.open()).keys.loadOrgKey(session.device.org);
  if (!key) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `this browser holds no organisation key of ${session.device.org}; import it on the officer page first`,
    );
  }
  return key;
}
