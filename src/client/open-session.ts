/**
 * Everything an enrolled device needs before it acts: its profile, an API client that
 * signs as it, and the directory synced and verified against the pinned root. It also
 * checks that the directory certifies this device with exactly the keys it holds (a server
 * that swapped them in a certificate is caught here), and learns the device's user and
 * organisation from that certificate the first time.
 */
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { Directory } from '../core/identity/directory.ts';
import type { Fetch } from './api-client.ts';
import { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import type { DirectoryCache } from './directory-cache.ts';
import { type DeviceKeys, heldKeys, type KeyStore, type PinnedNetwork, type Profile } from './key-store.ts';
import { fetchLogPin } from './log-pin.ts';
import { type SyncedDirectory, syncWitnessedDirectory } from './sync-directory.ts';
import type { WitnessState } from './witness-quorum.ts';

/** A device whose certificate is in the directory. */
export interface EnrolledDevice extends DeviceKeys {
  readonly user: string;
  readonly org: string;
}

export interface DeviceSession {
  readonly store: KeyStore;
  readonly profile: Profile;
  readonly network: PinnedNetwork;
  /** Signs every request as `device`. */
  readonly api: ApiClient;
  readonly device: EnrolledDevice;
  readonly directory: Directory;
  /** The directory as far as the witness quorum cosigned it (docs/design.md §8). */
  readonly witnessed: Directory;
  /** Whether newer directory changes wait for the witnesses. */
  readonly witness: WitnessState;
  readonly clock: Clock;
}

export interface SessionRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** Compare the whole directory history, not just its tip. */
  readonly fullSync?: boolean;
  /** Where this device keeps its signed record of the directory it verified (directory-cache.ts). */
  readonly directoryCache?: DirectoryCache;
}

export async function openSession(request: SessionRequest): Promise<DeviceSession> {
  const { store, clock } = request;
  const profile = await store.loadProfile();
  const keys = profile.device;
  if (!profile.server || !profile.network || !keys) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `profile ${store.name} has no enrolled device; run valise enrol <code> --server <url> (or choose another --profile)`,
    );
  }
  const api = new ApiClient({
    server: profile.server,
    fetch: request.fetch,
    clock,
    device: { id: keys.device, signer: keys.signer, sequence: () => store.takeSequence(keys.device) },
  });
  let synced: SyncedDirectory;
  let network = profile.network;
  try {
    // A profile enrolled before the audit log existed pins its key now, on first use.
    let log = network.log;
    if (log?.quorum === undefined) {
      // A profile pinned before witness quorums takes the network's now (docs/design.md §8).
      log = await fetchLogPin(api, network.root.network, log);
      network = { ...network, log };
      await store.saveProfile({ ...profile, network });
    }
    synced = await syncWitnessedDirectory({
      api,
      store,
      root: network.root,
      log,
      ...(request.fullSync ? { full: true } : {}),
      ...(request.directoryCache ? { cache: { file: request.directoryCache, signer: keys.signer } } : {}),
    });
  } catch (error) {
    // The server tells a pending device from one it does not know (docs/api.md, "Authentication").
    if (error instanceof ClientError && error.code === 'DEVICE_PENDING') {
      throw new ClientError(
        'DEVICE_NOT_CERTIFIED',
        `device ${keys.device} (${keys.label}) is waiting for approval by your security officer; ask them to run valise approve ${keys.device}`,
        { cause: error },
      );
    }
    if (error instanceof ClientError && error.code === 'UNKNOWN_KEY') {
      throw new ClientError(
        'UNKNOWN_KEY',
        `this server does not know device ${keys.device} (${keys.label}): it was never enrolled here, was removed, or the network was started afresh; enrol again with a new invitation from your security officer`,
        { cause: error },
      );
    }
    throw error;
  }
  const { directory, witnessed, witness } = synced;
  const device = await checkCertified(store, { ...profile, network }, keys, directory);
  const pinned = { ...profile, network };
  return { store, profile: pinned, network, api, device, directory, witnessed, witness, clock };
}

async function checkCertified(
  store: KeyStore,
  profile: Profile,
  keys: DeviceKeys,
  directory: Directory,
): Promise<EnrolledDevice> {
  const entry = directory.device(keys.device);
  if (!entry) {
    const problem = directory.deviceProblem(keys.device);
    if (problem === 'REVOKED') {
      throw new ClientError(
        'DEVICE_REVOKED',
        `device ${keys.device} has been revoked; ask your security officer for a new invitation`,
      );
    }
    throw new ClientError(
      'DEVICE_NOT_CERTIFIED',
      `device ${keys.device} (${keys.label}) is not certified in the directory yet; ask your security officer to run valise approve ${keys.device}`,
    );
  }
  // docs/design.md §4: a certificate naming this device with other keys is an injection; never use it.
  if (
    !constantTimeEqual(entry.device.signingKey, keys.signer.publicKey) ||
    !constantTimeEqual(entry.device.kemKey, keys.kemPublicKey)
  ) {
    throw new ClientError(
      'DEVICE_NOT_CERTIFIED',
      `the directory certifies other keys for device ${keys.device} than the ones it holds; someone injected a certificate: tell your security officer`,
    );
  }
  const enrolled: EnrolledDevice = { ...keys, user: entry.user.user, org: entry.org.org };
  // Remembered for the messages of later commands. Not when a key agent holds the keys: the
  // key file cannot be rewritten without the passphrase, and the directory says it again.
  if ((keys.user !== enrolled.user || keys.org !== enrolled.org) && heldKeys(keys)) {
    await store.saveProfile({ ...profile, device: enrolled });
  }
  return enrolled;
}
