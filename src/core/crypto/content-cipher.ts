/**
 * The AEAD under which content and attachment chunks are encrypted: AES-256-GCM from
 * WebCrypto, keyed by HKDF-SHA256 (@noble/hashes) from a random 32-byte secret and a
 * purpose label, so the same secret never keys two different uses.
 *
 * A platform's own AES-256-GCM may be handed in (an HPKE suite's AEAD, e.g. node:crypto's,
 * which answers without a WebCrypto round trip): the same cipher, so the same bytes.
 *
 * Arguments are checked first: a wrong secret, label, nonce or buffer is a CryptoError naming
 * it. `decrypt` answers undefined for anything that does not authenticate, malformed or not.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../encoding/bytes.ts';
import type { Aead } from './hpke/aead.ts';
import { CryptoError } from './hpke/crypto-error.ts';
import { describe, requireBytes } from './hpke/input-checks.ts';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

export interface ContentCipher {
  encrypt(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** Returns undefined when authentication fails; never returns unauthenticated bytes. */
  decrypt(nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array | undefined>;
  /** A nonce derived alongside the key, for single-message uses. */
  readonly nonce: Uint8Array;
}

/** RFC 9180 §7.3: AES-256-GCM, the only AEAD a content cipher runs on. */
const AES_256_GCM = 0x0002;

export async function deriveContentCipher(
  secret: Uint8Array,
  label: string,
  aead?: Aead,
): Promise<ContentCipher> {
  const ikm = requireBytes(secret, 'secret', { length: KEY_BYTES, code: 'BAD_KEY' });
  if (typeof label !== 'string') {
    throw new CryptoError('BAD_ARGUMENT', `label must be a string, got ${describe(label)}`);
  }
  if (aead !== undefined && aead.id !== AES_256_GCM) {
    throw new CryptoError('BAD_ARGUMENT', `the content cipher is AES-256-GCM, not ${String(aead.name)}`);
  }
  const okm = hkdf(sha256, ikm, undefined, utf8(label), KEY_BYTES + NONCE_BYTES);
  ikm.fill(0);
  if (aead !== undefined) return platformCipher(aead, okm);
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    buffer(okm.subarray(0, KEY_BYTES)),
    'AES-GCM',
    false,
    ['encrypt', 'decrypt'],
  );
  okm.fill(0, 0, KEY_BYTES);
  return {
    nonce: okm.slice(KEY_BYTES),
    async encrypt(nonce, plaintext, aad) {
      const iv = requireBytes(nonce, 'nonce', { length: NONCE_BYTES });
      const additionalData = requireBytes(aad, 'aad');
      const data = requireBytes(plaintext, 'plaintext');
      const ct = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, data);
      return new Uint8Array(ct);
    },
    async decrypt(nonce, ciphertext, aad) {
      try {
        const pt = await globalThis.crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: buffer(nonce), additionalData: buffer(aad) },
          key,
          buffer(ciphertext),
        );
        return new Uint8Array(pt);
      } catch {
        return undefined;
      }
    },
  };
}

/** The same cipher on a platform's AES-256-GCM: `okm` is key || nonce, and its key half is wiped. */
async function platformCipher(aead: Aead, okm: Uint8Array): Promise<ContentCipher> {
  const key = await aead.importKey(okm.slice(0, KEY_BYTES));
  okm.fill(0, 0, KEY_BYTES);
  return {
    nonce: okm.slice(KEY_BYTES),
    async encrypt(nonce, plaintext, aad) {
      const iv = requireBytes(nonce, 'nonce', { length: NONCE_BYTES });
      return aead.seal(key, iv, requireBytes(aad, 'aad'), requireBytes(plaintext, 'plaintext'));
    },
    async decrypt(nonce, ciphertext, aad) {
      try {
        return await aead.open(key, nonce, aad, ciphertext);
      } catch {
        return undefined;
      }
    },
  };
}
