/**
 * Enrolling this browser (docs/design.md §5): the invitation names whom it enrols and gets
 * passkey creation options; the device's key pairs are made here (non-extractable where the
 * platform allows) and kept before the invitation is spent on them; the page's passkey and the
 * public keys go to the server as a pending enrolment. In the demo network only, an officer
 * whose link brought the organisation's key certifies this first device at once (the
 * directory's bootstrap rule); on any other node that link is refused before anything is
 * made or sent (DEMO_ONLY): a real organisation key never travels in a link.
 */

import { certifyDevice } from '../client/certify-device.ts';
import { ClientError } from '../client/client-error.ts';
import { parseInvitationCode } from '../client/invitation-code.ts';
import { deviceComparisonCode, enrolmentBody, prepareDevice } from '../client/prepare-device.ts';
import { ROUTES } from '../core/api/routes.ts';
import { decodeJsonValue } from '../core/api/shared-decoders.ts';
import type { Invitee } from '../core/api/web-routes.ts';
import { signerFromSeed } from '../core/crypto/ed25519.ts';
import { toBase64url } from '../core/encoding/bytes.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { invitationKeys } from '../core/identity/enrolment-binding.ts';
import type { DeviceContext } from './device-context.ts';
import type { EnrolmentDone, EnrolmentStart } from './device-protocol.ts';
import { orgKeySeed } from './org-key-seed.ts';
import { creationOptionsJson } from './passkey-options-json.ts';

export async function startEnrolment(
  device: DeviceContext,
  code: string,
): Promise<EnrolmentStart & { readonly invitee: Invitee }> {
  const { invitation, secret } = parseInvitationCode(code);
  await device.syncClock();
  // Only the redeem half of the secret goes to the server (docs/design.md §5).
  const { redeem } = invitationKeys(secret);
  const start = await device
    .api()
    .call(ROUTES.startWebEnrolment, { body: { invitation, secret: toBase64url(redeem) } });
  return { options: creationOptionsJson(start.options), invitee: start.invitee };
}

export interface FinishEnrolment {
  readonly code: string;
  readonly label: string;
  /** What the page's passkey prompt gave: checked to be JSON here, verified by the server. */
  readonly passkey: unknown;
  readonly orgKey?: string;
  /** Remove the device this browser holds first: the person agreed to it on the page. */
  readonly replace?: boolean;
}

/** DEMO_ONLY unless the node says it runs the throw-away demo network. */
export async function requireDemoNetwork(device: DeviceContext): Promise<void> {
  const config = await device.api().call(ROUTES.webConfig);
  if (!config.demo) {
    throw new ClientError(
      'DEMO_ONLY',
      'this link carries an organisation key, which only a demo network accepts; ask your network authority how your organisation key is certified (valise org request)',
    );
  }
}

export async function finishEnrolment(
  device: DeviceContext,
  invitee: Invitee | undefined,
  request: FinishEnrolment,
): Promise<EnrolmentDone> {
  // docs/design.md §5: the organisation key in a link is a demo shortcut; checked before anything is made.
  if (request.orgKey !== undefined) await requireDemoNetwork(device);
  // The old device's keys and what it opened go only now, once the new passkey exists.
  if (request.replace === true) await device.forget();
  const { keys } = await device.open();
  if (!invitee) throw new ClientError('NOT_CONFIGURED', 'start the enrolment again from your link');
  const code = parseInvitationCode(request.code);
  const passkey = passkeyJson(request.passkey);
  const api = device.api();
  // The steps every enrolment shares: keys made here (non-extractable), stored first.
  const { keys: made } = await prepareDevice({
    store: keys,
    api,
    label: request.label,
    storage: 'web-crypto',
    holder: keys.name,
    elsewhere: 'use another browser profile',
  });
  await api.call(ROUTES.finishWebEnrolment, { body: { ...enrolmentBody(code, made), passkey } });
  const comparisonCode = deviceComparisonCode(made);
  if (request.orgKey === undefined) return { device: made.device, status: 'pending', comparisonCode };
  const orgKey = await signerFromSeed(orgKeySeed(request.orgKey), false);
  await certifyDevice(
    api,
    {
      org: invitee.org,
      user: invitee.user,
      device: made.device,
      label: made.label,
      signingKey: made.signer.publicKey,
      kemKey: made.kemPublicKey,
    },
    orgKey,
    device.clock.nowSeconds(),
  );
  await keys.saveOrgKey(invitee.org, orgKey);
  return { device: made.device, status: 'active', comparisonCode };
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
