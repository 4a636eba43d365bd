import { generateSigner } from '../core/crypto/ed25519.ts';
import { XWing } from '../core/crypto/hpke/x-wing.ts';
import { randomId } from '../core/encoding/identifiers.ts';
import { ClientError } from './client-error.ts';
import type { DeviceKeys } from './key-store.ts';

export async function makeDeviceKeys(label: string): Promise<DeviceKeys> {
  if (typeof label !== 'string' || label.length < 1 || label.length > 80) {
    throw new ClientError('INVALID_ARGUMENT', 'the device label must be 1 to 80 characters, e.g. "laptop"');
  }
  const signer = await generateSigner(true);
  const kem = await XWing.generateKeyPair({ extractable: true });
  return {
    device: randomId(),
    label,
    signer,
    kemPrivateKey: kem.privateKey,
    kemPublicKey: kem.publicKey,
  };
}
