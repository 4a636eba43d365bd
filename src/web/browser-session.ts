/**
 * Signing this browser in and out (docs/design.md §5): a passkey assertion in a request signed
 * by the device key opens the server's session; step-up is a fresh assertion; the SDK's
 * session (pinned network, verified directory) is opened after each, and `me` says who this
 * device is, as the verified directory has it.
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { ClientError } from '../client/client-error.ts';
import type { DeviceSession } from '../client/open-session.ts';
import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { passkeyJson } from './browser-enrolment.ts';
import type { DeviceContext } from './device-context.ts';
import type { Me } from './device-protocol.ts';
import { requestOptionsJson } from './passkey-options-json.ts';

/**
 * Answers that say where this device stands with the server, not that a session ended:
 * the watch stopped it (docs/design.md §9), its enrolment waits for approval, it was revoked,
 * or the server does not know it at all. Signing in would not help with any of them.
 */
const STANDING_CODES: readonly string[] = [
  'DEVICE_HELD',
  'DEVICE_SUSPENDED',
  'DEVICE_PENDING',
  'DEVICE_REVOKED',
];

export async function startSignIn(device: DeviceContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
  await device.syncClock();
  await checkPinnedRoot(device);
  // DEVICE_PENDING, DEVICE_REVOKED and UNKNOWN_KEY (the server does not know this device) are
  // told apart by the server (authenticate.ts) and passed on as they are.
  const { options } = await (await device.deviceApi()).call(ROUTES.startSignIn, { body: {} });
  return requestOptionsJson(options);
}

export async function finishSignIn(device: DeviceContext, passkey: unknown): Promise<Me> {
  await (await device.deviceApi()).call(ROUTES.finishSignIn, { body: { passkey: passkeyJson(passkey) } });
  return me(device, await device.startSession());
}

/**
 * docs/design.md §5: the browser trusts only the root it pinned at enrolment. It checks the
 * server still serves that network before the passkey is asked for, so a person is never
 * invited to touch their key for a server that has become another network.
 */
async function checkPinnedRoot(device: DeviceContext): Promise<void> {
  const pinned = (await (await device.open()).keys.loadProfile()).network;
  if (!pinned) return;
  const info = await device.api().call(ROUTES.network);
  if (info.network !== pinned.root.network || !constantTimeEqual(info.rootKey, pinned.root.key)) {
    throw new ClientError(
      'ROOT_MISMATCH',
      `this browser was enrolled in network ${pinned.root.network}, and the server now serves another network (${info.network}) under another root key`,
    );
  }
}

/** The session this browser still has with the server, if any (null: sign in again). */
export async function resume(device: DeviceContext): Promise<Me | null> {
  const profile = await (await device.open()).keys.loadProfile();
  if (!profile.device) return null;
  await device.syncClock();
  try {
    await (await device.deviceApi()).call(ROUTES.webSession);
  } catch (error) {
    // A device the watch stopped, pending or revoked is told so: signing in would not help.
    if (error instanceof ClientError && STANDING_CODES.includes(error.code)) throw error;
    // Unknown to the server: said as another network when the server now serves one.
    if (error instanceof ClientError && error.code === 'UNKNOWN_KEY') {
      await checkPinnedRoot(device);
      throw error;
    }
    if (
      error instanceof ClientError &&
      error.status !== undefined &&
      error.status >= 400 &&
      error.status < 500
    )
      return null;
    throw error;
  }
  return me(device, await device.startSession());
}

export async function startStepUp(device: DeviceContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { options } = await device.live().api.call(ROUTES.startStepUp, { body: {} });
  return requestOptionsJson(options);
}

export async function finishStepUp(device: DeviceContext, passkey: unknown): Promise<void> {
  await device.live().api.call(ROUTES.finishStepUp, { body: { passkey: passkeyJson(passkey) } });
}

export async function signOut(device: DeviceContext): Promise<void> {
  const session = device.endSession();
  if (session) await session.api.call(ROUTES.signOut, { body: {} });
}

/** Who this device is, from the verified directory. */
export async function me(device: DeviceContext, session: DeviceSession): Promise<Me> {
  const entry = session.directory.device(session.device.device);
  if (!entry) throw new ClientError('DEVICE_NOT_CERTIFIED', 'this device is not in the directory (revoked?)');
  const { keys } = await device.open();
  return {
    device: entry.device.device,
    label: entry.device.label,
    user: entry.user.user,
    name: entry.user.name,
    org: entry.org.org,
    orgName: entry.org.name,
    role: entry.user.role,
    clearance: entry.user.clearance,
    groups: entry.user.groups,
    network: session.network.root.network,
    accreditation: session.network.root.accreditation,
    hasOrgKey: (await keys.loadOrgKey(entry.org.org)) !== undefined,
  };
}
