/**
 * SetupBaseS (RFC 9180 §5.1.1): encapsulate to the recipient's public key and run the key
 * schedule, giving the encapsulation to send and a context that seals.
 */
import { HpkeSenderContext } from './hpke-context.ts';
import { checkSuite, type HpkeSuite } from './hpke-suite.ts';
import { MAX_LABELED_INPUT_LENGTH, requireBytes } from './input-checks.ts';
import type { KemPrivateKey } from './kem.ts';
import { keySchedule } from './key-schedule.ts';

export interface SenderSetup {
  readonly enc: Uint8Array;
  readonly context: HpkeSenderContext;
}

export async function setupSender<P extends KemPrivateKey>(
  suite: HpkeSuite<P>,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
): Promise<SenderSetup> {
  const checked = checkSuite(suite);
  const applicationInfo = requireBytes(info, 'info', { max: MAX_LABELED_INPUT_LENGTH });
  const { sharedSecret, enc } = await checked.kem.encapsulate(recipientPublicKey);
  const secrets = keySchedule(checked, sharedSecret, applicationInfo);
  sharedSecret.fill(0);
  return { enc, context: await HpkeSenderContext.create(checked, secrets) };
}
