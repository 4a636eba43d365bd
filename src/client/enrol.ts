/**
 * Enrols this device with a one-time code (DESIGN §5): the key pairs are made here and
 * only their public halves leave; the enrolment is posted with the invitation secret and
 * waits for a security officer to approve it. The keys are stored before the request is
 * sent, so an invitation is never spent on keys this device then loses.
 */

import { ROUTES } from '../core/api/routes.ts';
import { randomBytes, toBase64url } from '../core/encoding/bytes.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import { parseInvitationCode } from './invitation-code.ts';
import type { KeyStore, PinnedNetwork } from './key-store.ts';
import { makeDeviceKeys } from './make-device-keys.ts';
import { pinNetwork } from './pin-network.ts';

export interface EnrolRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly server: string;
  readonly code: string;
  readonly label: string;
  /** The network root key, as given by the security officer. */
  readonly root?: Uint8Array;
}

export interface Enrolment {
  readonly device: string;
  readonly status: 'pending';
  readonly network: PinnedNetwork;
  readonly trust: 'given' | 'first-use';
}

export async function enrol(request: EnrolRequest): Promise<Enrolment> {
  const code = parseInvitationCode(request.code);
  const { store } = request;
  const profile = await store.loadProfile();
  if (profile.device?.org) {
    throw new ClientError(
      'PROFILE_IN_USE',
      `profile ${store.name} already holds device ${profile.device.device} of ${profile.device.org}; enrol with another --profile`,
    );
  }
  const api = new ApiClient({ server: request.server, fetch: request.fetch, clock: request.clock });
  const pin = await pinNetwork(api, request.root, profile.network);
  const keys = await makeDeviceKeys(request.label);
  await store.saveProfile({
    ...profile,
    server: api.server,
    network: pin.network,
    device: keys,
    archiveKey: profile.archiveKey ?? randomBytes(32),
  });
  const answer = await api.call(ROUTES.enrol, {
    body: {
      invitation: code.invitation,
      secret: toBase64url(code.secret),
      device: keys.device,
      label: keys.label,
      signingKey: toBase64url(keys.signer.publicKey),
      kemKey: toBase64url(keys.kemPublicKey),
    },
  });
  if (answer.device !== keys.device)
    throw new ClientError('BAD_RESPONSE', 'the server registered the enrolment under another device id');
  return { device: keys.device, status: 'pending', network: pin.network, trust: pin.trust };
}
