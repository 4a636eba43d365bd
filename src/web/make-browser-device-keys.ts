/**
 * Makes this browser's device identity (DESIGN §2, §5): a random id, an Ed25519 signing key
 * and an X-Wing key pair, all non-extractable where WebCrypto allows (the Ed25519 key and
 * the X25519 half; the ML-KEM half is kept encrypted at rest by the key store). The browser
 * counterpart of src/client/make-device-keys.ts, which makes extractable keys for a key file.
 */

import { ClientError } from '../client/client-error.ts';
import type { DeviceKeys } from '../client/key-store.ts';
import { generateSigner } from '../core/crypto/ed25519.ts';
import { XWing } from '../core/crypto/hpke/x-wing.ts';
import { randomId } from '../core/encoding/identifiers.ts';

export async function makeBrowserDeviceKeys(label: string): Promise<DeviceKeys> {
  if (label.length < 1 || label.length > 80) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      'the device name must be 1 to 80 characters, e.g. "office laptop"',
    );
  }
  const signer = await generateSigner(false);
  const kem = await XWing.generateKeyPair({ extractable: false });
  return {
    device: randomId(),
    label,
    signer,
    kemPrivateKey: kem.privateKey,
    kemPublicKey: kem.publicKey,
  };
}
