/**
 * Enrolling this browser (docs/design.md §5): the invitation names whom it enrols and gets
 * passkey creation options; the device's key pairs are made here (non-extractable where the
 * platform allows) and kept before the invitation is spent on them; the page's passkey and the
 * public keys go to the server as a pending enrolment. An officer bringing the organisation's
 * key certifies this first device at once (the directory's bootstrap rule).
 */
import { ClientError } from '../client/client-error.ts';
import { parseInvitationCode } from '../client/invitation-code.ts';
import { pinNetwork } from '../client/pin-network.ts';
import { postEntry } from '../client/post-entry.ts';
import { ROUTES } from '../core/api/routes.ts';
import { decodeJsonValue } from '../core/api/shared-decoders.ts';
import type { Invitee } from '../core/api/web-routes.ts';
import { signerFromSeed } from '../core/crypto/ed25519.ts';
import { toBase64url } from '../core/encoding/bytes.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import type { DeviceCertificate } from '../core/identity/certificate.ts';
import { issueCertificate } from '../core/identity/issue-certificate.ts';
import type { DeviceContext } from './device-context.ts';
import type { EnrolmentStart } from './device-protocol.ts';
import { makeBrowserDeviceKeys } from './make-browser-device-keys.ts';
import { orgKeySeed } from './org-key-seed.ts';
import { creationOptionsJson } from './passkey-options-json.ts';

const DEVICE_VALIDITY_SECONDS = 365 * 24 * 3600;

export async function startEnrolment(
  device: DeviceContext,
  code: string,
): Promise<EnrolmentStart & { readonly invitee: Invitee }> {
  const { invitation, secret } = parseInvitationCode(code);
  await device.syncClock();
  const start = await device
    .api()
    .call(ROUTES.startWebEnrolment, { body: { invitation, secret: toBase64url(secret) } });
  return { options: creationOptionsJson(start.options), invitee: start.invitee };
}

export interface FinishEnrolment {
  readonly code: string;
  readonly label: string;
  /** What the page's passkey prompt gave: checked to be JSON here, verified by the server. */
  readonly passkey: unknown;
  readonly orgKey?: string;
}

export async function finishEnrolment(
  device: DeviceContext,
  invitee: Invitee | undefined,
  request: FinishEnrolment,
): Promise<{ readonly device: string; readonly status: 'pending' | 'active' }> {
  const { keys } = await device.open();
  if (!invitee) throw new ClientError('NOT_CONFIGURED', 'start the enrolment again from your link');
  const profile = await keys.loadProfile();
  if (profile.device?.org) {
    throw new ClientError(
      'PROFILE_IN_USE',
      `this browser is already enrolled as ${profile.device.user ?? profile.device.device}; use another browser profile`,
    );
  }
  const { invitation, secret } = parseInvitationCode(request.code);
  const passkey = passkeyJson(request.passkey);
  const api = device.api();
  const pin = await pinNetwork(api, undefined, profile.network);
  const made = await makeBrowserDeviceKeys(request.label);
  // The keys are kept before the invitation is spent on them.
  await keys.saveProfile({ server: api.server, network: pin.network, device: made });
  await api.call(ROUTES.finishWebEnrolment, {
    body: {
      invitation,
      secret: toBase64url(secret),
      device: made.device,
      label: made.label,
      signingKey: toBase64url(made.signer.publicKey),
      kemKey: toBase64url(made.kemPublicKey),
      passkey,
    },
  });
  if (request.orgKey === undefined) return { device: made.device, status: 'pending' };
  const orgKey = await signerFromSeed(orgKeySeed(request.orgKey), false);
  const now = device.clock.nowSeconds();
  const cert: DeviceCertificate = {
    v: 1,
    kind: 'device',
    org: invitee.org,
    user: invitee.user,
    device: made.device,
    label: made.label,
    signingKey: made.signer.publicKey,
    kemKey: made.kemPublicKey,
    issuedAt: now,
    expiresAt: now + DEVICE_VALIDITY_SECONDS,
  };
  await postEntry(api, await issueCertificate(cert, orgKey));
  await keys.saveOrgKey(invitee.org, orgKey);
  return { device: made.device, status: 'active' };
}

/** The page's passkey response as JSON, or INVALID_ARGUMENT (the page sent something else). */
export function passkeyJson(passkey: unknown) {
  try {
    return decodeJsonValue(passkey, 'passkey');
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError('INVALID_ARGUMENT', `the passkey prompt gave no usable answer (${cause.message})`, {
      cause,
    });
  }
}
