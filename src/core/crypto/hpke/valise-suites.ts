/**
 * The suites Valise uses (DESIGN §4). Cable keys are wrapped with VALISE_SUITE_XWING: hybrid
 * post-quantum, because cables must stay closed for decades against record-now-decrypt-later.
 * VALISE_SUITE_CLASSICAL exists only so the seal benchmark can show what the hybrid KEM costs.
 */
import { Aes256Gcm } from './aes-gcm.ts';
import { DhkemX25519, type DhkemX25519PrivateKey } from './dhkem-x25519.ts';
import { HkdfSha256 } from './hkdf-sha256.ts';
import { type HpkeSuite, hpkeSuite } from './hpke-suite.ts';
import { XWing, type XWingPrivateKey } from './x-wing.ts';

/** X-Wing (0x647a) + HKDF-SHA256 (0x0001) + AES-256-GCM (0x0002). */
export const VALISE_SUITE_XWING: HpkeSuite<XWingPrivateKey> = hpkeSuite(XWing, HkdfSha256, Aes256Gcm);

/** DHKEM(X25519, HKDF-SHA256) (0x0020) + HKDF-SHA256 + AES-256-GCM: benchmark comparison only. */
export const VALISE_SUITE_CLASSICAL: HpkeSuite<DhkemX25519PrivateKey> = hpkeSuite(
  DhkemX25519,
  HkdfSha256,
  Aes256Gcm,
);
