/**
 * Makes a device's identity on the device itself (DESIGN §2, §5): a random 16-byte id and
 * two key pairs, Ed25519 for signing and X-Wing for receiving. Extractable, because the
 * CLI keeps them in its 0600 key file; the browser will make non-extractable ones.
 */
import { randomBytes, toBase64url } from '../core/bytes.ts';
import { generateSigner } from '../core/ed25519.ts';
import { XWing } from '../core/hpke/x-wing.ts';
import { ID_BYTES } from '../core/identifiers.ts';
import { ClientError } from './client-error.ts';
import type { DeviceKeys } from './key-store.ts';

export async function makeDeviceKeys(label: string): Promise<DeviceKeys> {
  if (typeof label !== 'string' || label.length < 1 || label.length > 80) {
    throw new ClientError('INVALID_ARGUMENT', 'the device label must be 1 to 80 characters, e.g. "laptop"');
  }
  const signer = await generateSigner(true);
  const kem = await XWing.generateKeyPair({ extractable: true });
  return {
    device: toBase64url(randomBytes(ID_BYTES)),
    label,
    signer,
    kemPrivateKey: kem.privateKey,
    kemPublicKey: kem.publicKey,
  };
}
