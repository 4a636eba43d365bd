/**
 * Single-shot HPKE decryption (RFC 9180 §6.1 OpenBase). Arguments of the wrong type, or a key
 * that is not a private key of the suite's KEM, are programming errors with their own codes.
 * Everything that depends on the received bytes (a malformed or rejected enc, a ciphertext that
 * does not authenticate under this key, info and aad) fails with one code, 'OPEN_FAILED', and
 * never yields a plaintext: the caller learns nothing about which part was wrong.
 */
import { CryptoError } from './crypto-error.ts';
import { checkSuite, type HpkeSuite } from './hpke-suite.ts';
import { describe, isBytes, MAX_LABELED_INPUT_LENGTH, requireBytes } from './input-checks.ts';
import type { KemPrivateKey } from './kem.ts';
import { setupRecipient } from './setup-recipient.ts';

export async function hpkeOpen<P extends KemPrivateKey>(
  suite: HpkeSuite<P>,
  privateKey: P,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const checked = checkSuite(suite);
  const key = checked.kem.checkPrivateKey(privateKey, 'privateKey');
  if (!isBytes(enc)) throw new CryptoError('BAD_ARGUMENT', `enc must be a Uint8Array, got ${describe(enc)}`);
  const applicationInfo = requireBytes(info, 'info', { max: MAX_LABELED_INPUT_LENGTH });
  const associated = requireBytes(aad, 'aad');
  const sealed = requireBytes(ciphertext, 'ciphertext');
  try {
    const context = await setupRecipient(checked, key, enc, applicationInfo);
    return await context.open(associated, sealed);
  } catch (cause) {
    // A platform without X25519 or a corrupt private key is not the sender's doing: say so.
    if (cause instanceof CryptoError && (cause.code === 'UNSUPPORTED' || cause.code === 'BAD_KEY'))
      throw cause;
    throw new CryptoError(
      'OPEN_FAILED',
      'the wrapped key did not open: not sealed for this key, or altered',
      {
        cause,
      },
    );
  }
}
