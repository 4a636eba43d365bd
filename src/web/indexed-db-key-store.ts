/**
 * The browser's KeyStore (src/client/key-store.ts) over IndexedDB (docs/design.md §5, §12). The device's
 * Ed25519 key and the X25519 half of its X-Wing key are non-extractable CryptoKeys, stored by
 * structured clone: script can use them, nobody can read them out. The ML-KEM-768 secret has
 * no WebCrypto form, so its bytes are kept encrypted under the browser's non-extractable
 * at-rest key (local-cipher.ts). An organisation key an officer brings is kept the same way
 * as the signing key. The root key of a network authority is never kept in a browser.
 */

import { ClientError } from '../client/client-error.ts';
import {
  type DeviceKeys,
  type ExportableSigner,
  heldKeys,
  type KeyStore,
  type Profile,
  type RootKey,
} from '../client/key-store.ts';
import { signerFromKey } from '../core/crypto/ed25519.ts';
import { XWing, type XWingPrivateKey } from '../core/crypto/hpke/x-wing.ts';
import type { SignedEntry } from '../core/identity/certificate.ts';
import type { NetworkRoot } from '../core/identity/directory.ts';
import type { LocalDatabase } from './indexed-db.ts';
import type { LocalCipher, SealedRecord } from './local-cipher.ts';

interface StoredDevice {
  readonly device: string;
  readonly label: string;
  readonly user?: string;
  readonly org?: string;
  readonly signingKey: CryptoKey;
  readonly signingPublicKey: Uint8Array;
  readonly x25519: CryptoKey;
  readonly kemPublicKey: Uint8Array;
  readonly mlKemSecret: SealedRecord;
}

interface StoredProfile {
  readonly server?: string;
  readonly network?: { readonly root: NetworkRoot; readonly serverKey?: Uint8Array };
  readonly device?: StoredDevice;
}

interface StoredOrgKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
}

const ML_KEM_PURPOSE = 'ml-kem-secret';

export class IndexedDbKeyStore implements KeyStore {
  readonly name = 'this browser';
  readonly #db: LocalDatabase;
  readonly #cipher: LocalCipher;

  constructor(db: LocalDatabase, cipher: LocalCipher) {
    this.#db = db;
    this.#cipher = cipher;
  }

  async loadProfile(): Promise<Profile> {
    const stored = await this.#db.get<StoredProfile>('keys', 'profile');
    if (!stored) return {};
    return {
      ...(stored.server ? { server: stored.server } : {}),
      ...(stored.network ? { network: stored.network } : {}),
      ...(stored.device ? { device: await this.#openDevice(stored.device) } : {}),
    };
  }

  async saveProfile(profile: Profile): Promise<void> {
    const stored: StoredProfile = {
      ...(profile.server ? { server: profile.server } : {}),
      ...(profile.network ? { network: profile.network } : {}),
      ...(profile.device ? { device: await this.#sealDevice(profile.device) } : {}),
    };
    await this.#db.put('keys', 'profile', stored);
  }

  /** The device's next request sequence number, kept beside its keys (docs/design.md §9). */
  takeSequence(device: string): Promise<number> {
    return this.#db.increment('keys', `sequence:${device}`);
  }

  async loadRootKey(): Promise<RootKey | undefined> {
    return undefined;
  }

  async saveRootKey(): Promise<void> {
    throw new ClientError(
      'INVALID_ARGUMENT',
      'a network root key is never kept in a browser; keep it offline',
    );
  }

  async loadOrgKey(org: string): Promise<ExportableSigner | undefined> {
    const stored = await this.#db.get<StoredOrgKey>('keys', `org-key:${org}`);
    return stored ? signerFromKey(stored.privateKey, stored.publicKey) : undefined;
  }

  async saveOrgKey(org: string, signer: ExportableSigner): Promise<void> {
    await this.#db.put('keys', `org-key:${org}`, {
      privateKey: signer.privateKey,
      publicKey: signer.publicKey,
    });
  }

  async loadDirectory(): Promise<readonly SignedEntry[]> {
    return (await this.#db.get<SignedEntry[]>('directory', 'entries')) ?? [];
  }

  async saveDirectory(entries: readonly SignedEntry[]): Promise<void> {
    await this.#db.put('directory', 'entries', entries);
  }

  async #sealDevice(keys: DeviceKeys): Promise<StoredDevice> {
    const held = heldKeys(keys);
    if (!held) throw new ClientError('NOT_CONFIGURED', 'a browser stores only keys it holds itself');
    return {
      device: keys.device,
      label: keys.label,
      ...(keys.user ? { user: keys.user } : {}),
      ...(keys.org ? { org: keys.org } : {}),
      signingKey: held.signer.privateKey,
      signingPublicKey: keys.signer.publicKey,
      x25519: held.kemPrivateKey.x25519,
      kemPublicKey: keys.kemPublicKey,
      mlKemSecret: await this.#cipher.seal(ML_KEM_PURPOSE, held.kemPrivateKey.mlKemSecretKey),
    };
  }

  async #openDevice(stored: StoredDevice): Promise<DeviceKeys> {
    const mlKemSecretKey = await this.#cipher.open(ML_KEM_PURPOSE, stored.mlKemSecret);
    if (!mlKemSecretKey) {
      throw new ClientError(
        'KEY_FILE_INVALID',
        "this browser's device key does not open; forget this device and enrol again",
      );
    }
    const kemPrivateKey = XWing.checkPrivateKey({
      kind: 'XWingPrivateKey',
      mlKemSecretKey,
      x25519: stored.x25519,
      publicKey: stored.kemPublicKey,
    } satisfies XWingPrivateKey) as XWingPrivateKey;
    return {
      device: stored.device,
      label: stored.label,
      ...(stored.user ? { user: stored.user } : {}),
      ...(stored.org ? { org: stored.org } : {}),
      signer: signerFromKey(stored.signingKey, stored.signingPublicKey),
      kemPrivateKey,
      kemPublicKey: stored.kemPublicKey,
    };
  }
}
