/**
 * The audited portable primitives, the path every platform can run: ML-KEM-768, SHA3-256 and
 * HKDF-SHA256 from noble, X25519 and AES-GCM from WebCrypto (so keys can stay non-extractable CryptoKeys).
 * This is the default under `VALISE_SUITE_XWING`, and the reference the faster paths are
 * cross-checked against.
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CryptoError, type CryptoErrorCode } from './crypto-error.ts';
import type { MlKemEncapsulation, MlKemKeyPair, Primitives, X25519Exchange } from './primitives.ts';
import { bufferSource, cryptoKeyFacts, subtle } from './web-crypto.ts';
import { generateX25519, x25519 } from './x25519.ts';

const TAG_BITS = 128;

function aesKeyLength(key: unknown): number | undefined {
  const facts = cryptoKeyFacts(key);
  if (facts?.type !== 'secret' || facts.algorithm !== 'AES-GCM' || facts.keyBits === undefined)
    return undefined;
  if (!facts.usages.includes('encrypt') || !facts.usages.includes('decrypt')) return undefined;
  return facts.keyBits / 8;
}

function gcmParams(nonce: Uint8Array, aad: Uint8Array): AesGcmParams {
  return { name: 'AES-GCM', iv: bufferSource(nonce), additionalData: bufferSource(aad), tagLength: TAG_BITS };
}

export const NOBLE_PRIMITIVES: Primitives = Object.freeze({
  kind: 'Primitives',
  name: 'noble ML-KEM + WebCrypto X25519, AES-GCM',

  async mlKem768Keygen(seed: Uint8Array): Promise<MlKemKeyPair> {
    return ml_kem768.keygen(seed);
  },

  async mlKem768Encapsulate(publicKey: Uint8Array): Promise<MlKemEncapsulation> {
    try {
      // noble runs the FIPS 203 §7.2 encapsulation key check first.
      return ml_kem768.encapsulate(publicKey);
    } catch (cause) {
      throw new CryptoError(
        'BAD_KEY',
        'publicKey fails the ML-KEM-768 encapsulation key check (FIPS 203 §7.2)',
        {
          cause,
        },
      );
    }
  },

  async mlKem768Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
    try {
      return ml_kem768.decapsulate(cipherText, secretKey);
    } catch (cause) {
      throw new CryptoError('BAD_KEY', 'privateKey.mlKemSecretKey fails the FIPS 203 §7.3 check', { cause });
    }
  },

  async x25519Ephemeral(peerPublicKey: Uint8Array, failureCode: CryptoErrorCode): Promise<X25519Exchange> {
    const ephemeral = await generateX25519(false);
    const sharedSecret = await x25519(ephemeral.privateKey, peerPublicKey, failureCode);
    return { publicKey: ephemeral.publicKey, sharedSecret };
  },

  sha3_256: (message: Uint8Array): Uint8Array => sha3_256(message),

  hkdfSha256Extract: (salt: Uint8Array, ikm: Uint8Array): Uint8Array => extract(sha256, ikm, salt),

  hkdfSha256Expand: (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array =>
    expand(sha256, prk, info, length),

  async aesGcmImportKey(key: Uint8Array): Promise<unknown> {
    return subtle().importKey('raw', bufferSource(key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  },

  aesGcmKeyLength: aesKeyLength,

  async aesGcmSeal(
    key: unknown,
    nonce: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<Uint8Array> {
    try {
      return new Uint8Array(
        await subtle().encrypt(gcmParams(nonce, aad), key as CryptoKey, bufferSource(plaintext)),
      );
    } catch (cause) {
      // WebCrypto refuses only inputs beyond the GCM limits (about 64 GiB of plaintext).
      throw new CryptoError('BAD_ARGUMENT', 'AES-GCM refused to encrypt this plaintext', { cause });
    }
  },

  async aesGcmOpen(
    key: unknown,
    nonce: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
  ): Promise<Uint8Array> {
    try {
      return new Uint8Array(
        await subtle().decrypt(gcmParams(nonce, aad), key as CryptoKey, bufferSource(ciphertext)),
      );
    } catch (cause) {
      throw new CryptoError('OPEN_FAILED', 'AES-GCM authentication failed: wrong key, or altered data', {
        cause,
      });
    }
  },
});
