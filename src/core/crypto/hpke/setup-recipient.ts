/**
 * SetupBaseR (RFC 9180 §5.1.1): decapsulate `enc` with the recipient's private key and run the
 * key schedule, giving a context that opens what the matching sender context sealed.
 */
import { CryptoError } from './crypto-error.ts';
import { HpkeRecipientContext } from './hpke-context.ts';
import { checkSuite, type HpkeSuite } from './hpke-suite.ts';
import { describe, isBytes, MAX_LABELED_INPUT_LENGTH, requireBytes } from './input-checks.ts';
import type { KemPrivateKey } from './kem.ts';
import { keySchedule } from './key-schedule.ts';

export async function setupRecipient<P extends KemPrivateKey>(
  suite: HpkeSuite<P>,
  privateKey: P,
  enc: Uint8Array,
  info: Uint8Array,
): Promise<HpkeRecipientContext> {
  const checked = checkSuite(suite);
  const key = checked.kem.checkPrivateKey(privateKey, 'privateKey');
  if (!isBytes(enc)) throw new CryptoError('BAD_ARGUMENT', `enc must be a Uint8Array, got ${describe(enc)}`);
  const applicationInfo = requireBytes(info, 'info', { max: MAX_LABELED_INPUT_LENGTH });
  const sharedSecret = await checked.kem.decapsulate(enc, key);
  const secrets = keySchedule(checked, sharedSecret, applicationInfo);
  sharedSecret.fill(0);
  return HpkeRecipientContext.create(checked, secrets);
}
