/**
 * HKDF-SHA256 (RFC 5869), KDF id 0x0001, over one set of primitives: noble's audited HKDF on the
 * portable path (`HkdfSha256`), `node:crypto`'s HMAC in Node (src/platform). Nothing below HPKE's
 * key schedule is written here (docs/design.md §4): this class checks arguments, so that a bad
 * call is a CryptoError rather than a library's plain Error, and hands the work to the primitives.
 * The key schedule runs six HKDF steps per wrap, so the path matters for sealing to 600 devices.
 */
import { checkBytes, requireInteger } from './input-checks.ts';
import type { Kdf } from './kdf.ts';
import { NOBLE_PRIMITIVES } from './noble-primitives.ts';
import type { Primitives } from './primitives.ts';

const HASH_LENGTH = 32;

/**
 * HKDF-SHA256 over one set of primitives. The class's private field is the brand that
 * `hpkeSuite` checks: only objects built here are KDFs, whatever a look-alike claims.
 */
export class HkdfSha256Kdf implements Kdf {
  readonly #primitives: Primitives;
  readonly id = 0x0001;
  readonly name = 'HKDF-SHA256';
  readonly hashLength = HASH_LENGTH;

  constructor(primitives: Primitives) {
    this.#primitives = primitives;
    Object.freeze(this);
  }

  static is(value: unknown): value is HkdfSha256Kdf {
    return typeof value === 'object' && value !== null && #primitives in value;
  }

  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
    return this.#primitives.hkdfSha256Extract(checkBytes(salt, 'salt'), checkBytes(ikm, 'ikm'));
  }

  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    return this.#primitives.hkdfSha256Expand(
      checkBytes(prk, 'prk', { min: HASH_LENGTH }),
      checkBytes(info, 'info'),
      // RFC 5869 §2.3: L <= 255 * HashLen.
      requireInteger(length, 'length', 0, 255 * HASH_LENGTH),
    );
  }
}

/** HKDF-SHA256 on `primitives`. */
export function hkdfSha256(primitives: Primitives): HkdfSha256Kdf {
  return new HkdfSha256Kdf(primitives);
}

/** HKDF-SHA256 on the audited portable primitives (noble). */
export const HkdfSha256: HkdfSha256Kdf = new HkdfSha256Kdf(NOBLE_PRIMITIVES);
