/**
 * AES-GCM through WebCrypto: AES-128-GCM (0x0001, needed for the RFC 9180 vectors) and
 * AES-256-GCM (0x0002, Valise's suite). Keys are imported non-extractable and only for the
 * two operations they serve.
 */

import type { Aead } from './aead.ts';
import { CryptoError } from './crypto-error.ts';
import { requireBytes } from './input-checks.ts';
import { cryptoKeyFacts, subtle } from './web-crypto.ts';

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

function aesGcm(id: number, name: string, keyLength: number): Aead {
  function requireKey(key: unknown, usage: 'encrypt' | 'decrypt'): CryptoKey {
    const facts = cryptoKeyFacts(key);
    if (
      facts?.type !== 'secret' ||
      facts.algorithm !== 'AES-GCM' ||
      facts.keyBits !== keyLength * 8 ||
      !facts.usages.includes(usage)
    ) {
      throw new CryptoError('BAD_KEY', `key must be a ${name} CryptoKey from ${name}.importKey`);
    }
    return key as CryptoKey;
  }

  function params(nonce: unknown, aad: unknown): AesGcmParams {
    return {
      name: 'AES-GCM',
      iv: requireBytes(nonce, 'nonce', { length: NONCE_LENGTH }),
      additionalData: requireBytes(aad, 'aad'),
      tagLength: TAG_LENGTH * 8,
    };
  }

  return Object.freeze({
    id,
    name,
    keyLength,
    nonceLength: NONCE_LENGTH,
    tagLength: TAG_LENGTH,

    async importKey(key: Uint8Array): Promise<CryptoKey> {
      const raw = requireBytes(key, 'key', { length: keyLength, code: 'BAD_KEY' });
      try {
        return await subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
      } finally {
        raw.fill(0);
      }
    },

    async seal(
      key: CryptoKey,
      nonce: Uint8Array,
      aad: Uint8Array,
      plaintext: Uint8Array,
    ): Promise<Uint8Array> {
      const aesKey = requireKey(key, 'encrypt');
      const aesParams = params(nonce, aad);
      const message = requireBytes(plaintext, 'plaintext');
      try {
        return new Uint8Array(await subtle().encrypt(aesParams, aesKey, message));
      } catch (cause) {
        // WebCrypto refuses only inputs beyond the GCM limits (about 64 GiB of plaintext).
        throw new CryptoError('BAD_ARGUMENT', `${name} refused to encrypt this plaintext`, { cause });
      }
    },

    async open(
      key: CryptoKey,
      nonce: Uint8Array,
      aad: Uint8Array,
      ciphertext: Uint8Array,
    ): Promise<Uint8Array> {
      const aesKey = requireKey(key, 'decrypt');
      const aesParams = params(nonce, aad);
      const sealed = requireBytes(ciphertext, 'ciphertext');
      if (sealed.length < TAG_LENGTH) {
        throw new CryptoError('OPEN_FAILED', `ciphertext is shorter than the ${TAG_LENGTH}-byte ${name} tag`);
      }
      try {
        return new Uint8Array(await subtle().decrypt(aesParams, aesKey, sealed));
      } catch (cause) {
        throw new CryptoError('OPEN_FAILED', `${name} authentication failed: wrong key, or altered data`, {
          cause,
        });
      }
    },
  });
}

export const Aes128Gcm: Aead = aesGcm(0x0001, 'AES-128-GCM', 16);
export const Aes256Gcm: Aead = aesGcm(0x0002, 'AES-256-GCM', 32);
