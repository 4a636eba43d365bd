/**
 * The network authority creates the network root key (docs/design.md §5): made and kept on the
 * authority's own machine, never on the server. The server is configured with the public
 * half; every client pins it.
 */

import { generateSigner } from '../core/crypto/ed25519.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { decodeNetworkName } from '../core/identity/certificate.ts';
import type { Classification } from '../core/identity/classification.ts';
import { ClientError } from './client-error.ts';
import type { KeyStore, RootKey } from './key-store.ts';

export interface InitNetworkRequest {
  readonly store: KeyStore;
  readonly network: string;
  readonly accreditation: Classification;
  readonly server?: string;
}

export async function initNetwork(request: InitNetworkRequest): Promise<RootKey> {
  const { store } = request;
  try {
    decodeNetworkName(request.network, 'network');
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'INVALID_ARGUMENT',
      'the network name must be lowercase letters, digits, . and - (e.g. coreu)',
      { cause },
    );
  }
  if (await store.loadRootKey()) {
    throw new ClientError(
      'PROFILE_IN_USE',
      `profile ${store.name} already holds a network root key; never replace it, use another --profile`,
    );
  }
  const profile = await store.loadProfile();
  if (profile.network) {
    throw new ClientError(
      'PROFILE_IN_USE',
      `profile ${store.name} already belongs to network ${profile.network.root.network}; use another --profile`,
    );
  }
  const signer = await generateSigner(true);
  const key: RootKey = {
    root: { network: request.network, key: signer.publicKey, accreditation: request.accreditation },
    signer,
  };
  await store.saveRootKey(key);
  await store.saveProfile({
    ...profile,
    network: { root: key.root },
    ...(request.server ? { server: request.server } : {}),
  });
  return key;
}
