/**
 * AES-GCM as HPKE's AEAD: AES-128-GCM (0x0001, needed for the RFC 9180 vectors) and
 * AES-256-GCM (0x0002, Valise's suite). The cipher itself comes from a `Primitives`
 * (WebCrypto by default, with keys imported non-extractable; `node:crypto` in Node); the
 * argument and key checks are here, the same on every path.
 */

import type { Aead } from './aead.ts';
import { CryptoError } from './crypto-error.ts';
import { requireBytes } from './input-checks.ts';
import { NOBLE_PRIMITIVES } from './noble-primitives.ts';
import type { Primitives } from './primitives.ts';

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * One AES-GCM key size over one set of primitives. The class's private field is the brand that
 * `hpkeSuite` checks: only objects built here are AEADs, whatever a look-alike claims.
 */
export class AesGcm implements Aead {
  readonly #primitives: Primitives;
  readonly nonceLength = NONCE_LENGTH;
  readonly tagLength = TAG_LENGTH;

  constructor(
    primitives: Primitives,
    readonly id: number,
    readonly name: string,
    readonly keyLength: number,
  ) {
    this.#primitives = primitives;
    Object.freeze(this);
  }

  static is(value: unknown): value is AesGcm {
    return typeof value === 'object' && value !== null && #primitives in value;
  }

  #requireKey(key: unknown): unknown {
    if (this.#primitives.aesGcmKeyLength(key) !== this.keyLength) {
      throw new CryptoError('BAD_KEY', `key must be a ${this.name} key from ${this.name}.importKey`);
    }
    return key;
  }

  async importKey(key: Uint8Array): Promise<unknown> {
    const raw = requireBytes(key, 'key', { length: this.keyLength, code: 'BAD_KEY' });
    try {
      return await this.#primitives.aesGcmImportKey(raw);
    } finally {
      raw.fill(0);
    }
  }

  async seal(key: unknown, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const aesKey = this.#requireKey(key);
    const iv = requireBytes(nonce, 'nonce', { length: NONCE_LENGTH });
    const associated = requireBytes(aad, 'aad');
    const message = requireBytes(plaintext, 'plaintext');
    return this.#primitives.aesGcmSeal(aesKey, iv, associated, message);
  }

  async open(key: unknown, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
    const aesKey = this.#requireKey(key);
    const iv = requireBytes(nonce, 'nonce', { length: NONCE_LENGTH });
    const associated = requireBytes(aad, 'aad');
    const sealed = requireBytes(ciphertext, 'ciphertext');
    if (sealed.length < TAG_LENGTH) {
      throw new CryptoError(
        'OPEN_FAILED',
        `ciphertext is shorter than the ${TAG_LENGTH}-byte ${this.name} tag`,
      );
    }
    return this.#primitives.aesGcmOpen(aesKey, iv, associated, sealed);
  }
}

export const aes128Gcm = (primitives: Primitives): AesGcm =>
  new AesGcm(primitives, 0x0001, 'AES-128-GCM', 16);
export const aes256Gcm = (primitives: Primitives): AesGcm =>
  new AesGcm(primitives, 0x0002, 'AES-256-GCM', 32);

export const Aes128Gcm: AesGcm = aes128Gcm(NOBLE_PRIMITIVES);
export const Aes256Gcm: AesGcm = aes256Gcm(NOBLE_PRIMITIVES);
