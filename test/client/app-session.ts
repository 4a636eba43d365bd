/**
 * A client session (src/client openSession) for a device of the server test network,
 * against a real app: the profile a device would hold after enrolment, pinned to the
 * network's root and, through GET /log, to the app's log key.
 */
import type { Fetch } from '../../src/client/api-client.ts';
import { fixedClock } from '../../src/client/clock.ts';
import type { ExportableSigner } from '../../src/client/key-store.ts';
import { MemoryKeyStore } from '../../src/client/memory-key-store.ts';
import { type DeviceSession, openSession } from '../../src/client/open-session.ts';
import { T0, type TestDevice, type TestNetwork } from '../server/fixtures/network.ts';
import { APP_ORIGIN } from './app-fetch.ts';

export async function deviceStore(network: TestNetwork, device: TestDevice): Promise<MemoryKeyStore> {
  const store = new MemoryKeyStore(device.name);
  await store.saveProfile({
    server: APP_ORIGIN,
    network: { root: network.root },
    device: {
      device: device.id,
      label: device.name,
      signer: device.signer as ExportableSigner,
      kemPrivateKey: device.kemPrivateKey,
      kemPublicKey: device.kemPublicKey,
    },
  });
  return store;
}

export function appSession(store: MemoryKeyStore, fetch: Fetch, now = T0): Promise<DeviceSession> {
  return openSession({ store, fetch, clock: fixedClock(now) });
}
