/**
 * HKDF-SHA256 (RFC 5869), KDF id 0x0001, from the audited noble implementation: nothing below
 * HPKE's key schedule is written here (docs/design.md §4). The wrapper only checks arguments, so that a
 * bad call is a CryptoError rather than noble's plain Error.
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { requireBytes, requireInteger } from './input-checks.ts';
import type { Kdf } from './kdf.ts';

const HASH_LENGTH = 32;

export const HkdfSha256: Kdf = Object.freeze({
  id: 0x0001,
  name: 'HKDF-SHA256',
  hashLength: HASH_LENGTH,
  extract: (salt: Uint8Array, ikm: Uint8Array): Uint8Array =>
    extract(sha256, requireBytes(ikm, 'ikm'), requireBytes(salt, 'salt')),
  expand: (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array =>
    expand(
      sha256,
      requireBytes(prk, 'prk', { min: HASH_LENGTH }),
      requireBytes(info, 'info'),
      // RFC 5869 §2.3: L <= 255 * HashLen.
      requireInteger(length, 'length', 0, 255 * HASH_LENGTH),
    ),
});
