/**
 * Single-shot HPKE encryption (RFC 9180 §6.1 SealBase): one KEM encapsulation, one AEAD seal at
 * sequence number 0. This is how a cable's content key is wrapped for one device (docs/design.md §4).
 */
import type { HpkeSuite } from './hpke-suite.ts';
import { requireBytes } from './input-checks.ts';
import type { KemPrivateKey } from './kem.ts';
import { setupSender } from './setup-sender.ts';

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
  const { enc, context } = await setupSender(suite, recipientPublicKey, info);
  return { enc, ciphertext: await context.seal(associated, message) };
}
