/**
 * Single-shot HPKE encryption (RFC 9180 §6.1 SealBase): one KEM encapsulation, one AEAD seal at
 * sequence number 0. This is how a cable's content key is wrapped for one device (docs/design.md §4),
 * hundreds of times per cable: so it runs SetupBaseS's steps without a context object, and skips
 * the exporter secret that a single message never uses. The bytes are `setupSender` + `seal`'s
 * (the RFC 9180 and cable vectors hold them).
 */
import { checkSuite, type HpkeSuite } from './hpke-suite.ts';
import { MAX_LABELED_INPUT_LENGTH, requireBytes } from './input-checks.ts';
import type { KemPrivateKey } from './kem.ts';
import { sealingKeys } from './key-schedule.ts';

export interface HpkeSealed {
  /** The KEM encapsulation (Nenc bytes). */
  readonly enc: Uint8Array;
  /** AEAD ciphertext || tag. */
  readonly ciphertext: Uint8Array;
}

export async function hpkeSeal<P extends KemPrivateKey>(
  suite: HpkeSuite<P>,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<HpkeSealed> {
  // Check every argument before the KEM runs, so a bad aad costs no encapsulation.
  const associated = requireBytes(aad, 'aad');
  const message = requireBytes(plaintext, 'plaintext');
  // Then SetupBaseS's checks, in its order.
  const checked = checkSuite(suite);
  const applicationInfo = requireBytes(info, 'info', { max: MAX_LABELED_INPUT_LENGTH });
  const { sharedSecret, enc } = await checked.kem.encapsulate(recipientPublicKey);
  const { key, baseNonce } = sealingKeys(checked, sharedSecret, applicationInfo);
  sharedSecret.fill(0);
  // importKey zeroes the key bytes. RFC 9180 §5.2: the nonce of sequence number 0 is
  // base_nonce XOR I2OSP(0, Nn), i.e. base_nonce itself.
  const aeadKey = await checked.aead.importKey(key);
  return { enc, ciphertext: await checked.aead.seal(aeadKey, baseNonce, associated, message) };
}
