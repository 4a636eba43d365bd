/**
 * What one HPKE wrap costs: microseconds per `hpkeSeal` of a 32-byte payload (a content key),
 * for Valise's X-Wing suite and for the classical DHKEM(X25519) suite it is compared with.
 * Sealing a cable runs one such seal per entitled device (docs/design.md §4), so this is the unit the
 * seal benchmark multiplies. Measures only: no printing, no assertions.
 */
import { hpkeSeal } from '../src/core/crypto/hpke/hpke-seal.ts';
import type { HpkeSuite } from '../src/core/crypto/hpke/hpke-suite.ts';
import type { KemPrivateKey } from '../src/core/crypto/hpke/kem.ts';
import { VALISE_SUITE_CLASSICAL, VALISE_SUITE_XWING } from '../src/core/crypto/hpke/valise-suites.ts';

export interface HpkeSealCost {
  /** Microseconds per seal with X-Wing + HKDF-SHA256 + AES-256-GCM. */
  readonly xwing: number;
  /** Microseconds per seal with DHKEM(X25519) + HKDF-SHA256 + AES-256-GCM. */
  readonly classical: number;
  /** Timed seals per suite (after the warm-up). */
  readonly sealsPerSuite: number;
}

async function microsecondsPerSeal<P extends KemPrivateKey>(
  suite: HpkeSuite<P>,
  seals: number,
): Promise<number> {
  const { publicKey } = await suite.kem.generateKeyPair();
  const contentKey = crypto.getRandomValues(new Uint8Array(32));
  // Shaped like a key wrap: info binds a cable id and a device id, aad is a 32-byte hash.
  const info = new TextEncoder().encode('valise/wrap/v1\u0000cable-0123456789abcdef\u0000device-42');
  const aad = crypto.getRandomValues(new Uint8Array(32));
  const warmup = Math.min(50, Math.max(5, Math.floor(seals / 10)));
  for (let i = 0; i < warmup; i++) await hpkeSeal(suite, publicKey, info, aad, contentKey);
  const start = performance.now();
  for (let i = 0; i < seals; i++) await hpkeSeal(suite, publicKey, info, aad, contentKey);
  return ((performance.now() - start) * 1000) / seals;
}

export async function measureHpkeSealCost(sealsPerSuite = 500): Promise<HpkeSealCost> {
  const seals = Math.max(1, Math.floor(sealsPerSuite));
  return {
    xwing: await microsecondsPerSeal(VALISE_SUITE_XWING, seals),
    classical: await microsecondsPerSeal(VALISE_SUITE_CLASSICAL, seals),
    sealsPerSuite: seals,
  };
}
