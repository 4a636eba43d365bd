/**
 * Makes a device's identity (docs/design.md §2, §5): a random id, an Ed25519 signing key and
 * an X-Wing key pair, made on the device. The one device-key maker of every client; what
 * differs is only what the platform can store:
 * - `key-file` (the CLI): extractable keys, written encrypted to a 0600 key file;
 * - `web-crypto` (the browser): non-extractable where WebCrypto allows (the Ed25519 key and
 *   the X25519 half; the ML-KEM half is kept encrypted at rest by the key store).
 */
import { generateSigner } from '../core/crypto/ed25519.ts';
import { XWing } from '../core/crypto/hpke/x-wing.ts';
import { randomId } from '../core/encoding/identifiers.ts';
import { ClientError } from './client-error.ts';
import type { DeviceKeys, HeldDeviceKeys } from './key-store.ts';

export const KEY_STORAGES = ['key-file', 'web-crypto'] as const;
export type KeyStorage = (typeof KEY_STORAGES)[number];

export async function makeDeviceKeys(
  label: string,
  storage: KeyStorage = 'key-file',
): Promise<DeviceKeys & HeldDeviceKeys> {
  if (typeof label !== 'string' || label.length < 1 || label.length > 80) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      'the device name must be 1 to 80 characters, e.g. "office laptop"',
    );
  }
  if (!KEY_STORAGES.includes(storage)) {
    throw new ClientError('INVALID_ARGUMENT', `storage must be one of ${KEY_STORAGES.join(', ')}`);
  }
  const extractable = storage === 'key-file';
  const signer = await generateSigner(extractable);
  const kem = await XWing.generateKeyPair({ extractable });
  return {
    device: randomId(),
    label,
    signer,
    kemPrivateKey: kem.privateKey,
    kemPublicKey: kem.publicKey,
  };
}
