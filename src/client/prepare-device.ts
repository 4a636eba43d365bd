/**
 * The first steps of every enrolment (docs/design.md §5), the same for an invited person on
 * the CLI, an organisation's first officer and a browser: refuse a profile that already holds
 * an enrolled device, pin the network root (and the log key), make the device's key pairs
 * here, and store them before anything is sent, so an invitation is never spent on keys the
 * device then loses. Only the keys' public halves ever leave.
 */
import { randomBytes, toBase64url } from '../core/encoding/bytes.ts';
import { bindEnrolment, comparisonCode, invitationKeys } from '../core/identity/enrolment-binding.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { InvitationCode } from './invitation-code.ts';
import type { DeviceKeys, KeyStore, PinnedNetwork } from './key-store.ts';
import type { KeyStorage } from './make-device-keys.ts';
import { makeDeviceKeys } from './make-device-keys.ts';
import { pinNetwork } from './pin-network.ts';

export interface PrepareDeviceRequest {
  readonly store: KeyStore;
  readonly api: ApiClient;
  /** The network root key, as given by the security officer; else pinned on first use. */
  readonly root?: Uint8Array;
  readonly label: string;
  /** What the platform keeps: a key file (CLI) or non-extractable WebCrypto keys (browser). */
  readonly storage: KeyStorage;
  /** Who holds the keys, for messages (default `profile <name>`; a browser is `this browser`). */
  readonly holder?: string;
  /** What to do instead, said when the profile is taken (`enrol with another --profile`). */
  readonly elsewhere: string;
}

export interface PreparedDevice {
  readonly keys: DeviceKeys;
  readonly network: PinnedNetwork;
  readonly trust: 'given' | 'first-use';
}

export async function prepareDevice(request: PrepareDeviceRequest): Promise<PreparedDevice> {
  const { store, api } = request;
  const profile = await store.loadProfile();
  if (profile.device?.org) {
    const who = profile.device.user ? `${profile.device.user} of ${profile.device.org}` : profile.device.org;
    throw new ClientError(
      'PROFILE_IN_USE',
      `${request.holder ?? `profile ${store.name}`} already holds device ${profile.device.device} (${who}); ${request.elsewhere}`,
    );
  }
  const pin = await pinNetwork(api, request.root, profile.network);
  const keys = await makeDeviceKeys(request.label, request.storage);
  await store.saveProfile({
    ...profile,
    server: api.server,
    network: pin.network,
    device: keys,
    // The CLI's record of opened cables is a file under this key; the browser keeps its own.
    ...(request.storage === 'key-file' ? { archiveKey: profile.archiveKey ?? randomBytes(32) } : {}),
  });
  return { keys, network: pin.network, trust: pin.trust };
}

/**
 * The body of an enrolment with an invitation: the public keys, the part of the code's
 * secret the server may see, and the keys' binding under the part it never sees
 * (docs/design.md §5), which the officer's device checks before signing.
 */
export function enrolmentBody(code: InvitationCode, keys: DeviceKeys) {
  const { redeem, binding } = invitationKeys(code.secret);
  const mac = bindEnrolment(binding, {
    invitation: code.invitation,
    device: keys.device,
    label: keys.label,
    signingKey: keys.signer.publicKey,
    kemKey: keys.kemPublicKey,
  });
  return {
    invitation: code.invitation,
    secret: toBase64url(redeem),
    device: keys.device,
    label: keys.label,
    signingKey: toBase64url(keys.signer.publicKey),
    kemKey: toBase64url(keys.kemPublicKey),
    binding: toBase64url(mac),
  };
}

/** The comparison code of this device's keys, for the invitee to read to their officer. */
export function deviceComparisonCode(keys: DeviceKeys): string {
  return comparisonCode(keys.signer.publicKey, keys.kemPublicKey);
}
