/**
 * The suites Valise uses (docs/design.md §4). Cable keys are wrapped with the X-Wing suite: hybrid
 * post-quantum, because cables must stay closed for decades against record-now-decrypt-later.
 * The classical suite exists only so the seal benchmark can show what the hybrid KEM costs.
 *
 * `valiseSuites(primitives)` builds both on a platform's primitives (the entry points pass
 * Node's native ones, or WebCrypto's in a browser); the constants are the portable default.
 * Every choice gives the same bytes on the wire: the suite ids are the same.
 */
import { Aes256Gcm, aes256Gcm } from './aes-gcm.ts';
import { DhkemX25519, DhkemX25519Kem, type DhkemX25519PrivateKey } from './dhkem-x25519.ts';
import { HkdfSha256, hkdfSha256 } from './hkdf-sha256.ts';
import { type HpkeSuite, hpkeSuite } from './hpke-suite.ts';
import type { Primitives } from './primitives.ts';
import { XWing, XWingKem, type XWingPrivateKey } from './x-wing.ts';

export interface ValiseSuites {
  /** X-Wing (0x647a) + HKDF-SHA256 (0x0001) + AES-256-GCM (0x0002). */
  readonly xwing: HpkeSuite<XWingPrivateKey>;
  /** DHKEM(X25519, HKDF-SHA256) (0x0020) + HKDF-SHA256 + AES-256-GCM: benchmark comparison only. */
  readonly classical: HpkeSuite<DhkemX25519PrivateKey>;
}

export function valiseSuites(primitives: Primitives): ValiseSuites {
  const aead = aes256Gcm(primitives);
  const kdf = hkdfSha256(primitives);
  return Object.freeze({
    xwing: hpkeSuite(new XWingKem(primitives), kdf, aead),
    classical: hpkeSuite(new DhkemX25519Kem(primitives), kdf, aead),
  });
}

/** X-Wing + HKDF-SHA256 + AES-256-GCM on the portable primitives. */
export const VALISE_SUITE_XWING: HpkeSuite<XWingPrivateKey> = hpkeSuite(XWing, HkdfSha256, Aes256Gcm);

/** DHKEM(X25519) + HKDF-SHA256 + AES-256-GCM on the portable primitives: benchmark only. */
export const VALISE_SUITE_CLASSICAL: HpkeSuite<DhkemX25519PrivateKey> = hpkeSuite(
  DhkemX25519,
  HkdfSha256,
  Aes256Gcm,
);
