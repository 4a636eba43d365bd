/**
 * The two Ed25519 operations of notes, through WebCrypto so a log's or witness's signing key
 * can stay a non-extractable CryptoKey. Verification returns false for anything malformed.
 */
import { ED25519_PUBLIC_KEY_SIZE, ED25519_SIGNATURE_SIZE } from './key-id.ts';

const ED25519 = { name: 'Ed25519' } as const;

/** WebCrypto wants ArrayBuffer-backed views; copying also detaches us from the caller's buffer. */
export function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

export function isEd25519SigningKey(key: unknown): key is CryptoKey {
  return (
    typeof CryptoKey !== 'undefined' &&
    key instanceof CryptoKey &&
    key.type === 'private' &&
    key.algorithm.name === ED25519.name &&
    key.usages.includes('sign')
  );
}

export async function signEd25519(privateKey: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.sign(ED25519, privateKey, buffer(message)));
}

/** Imports a raw public key once; the promise rejects for keys WebCrypto refuses. */
export function importEd25519PublicKey(publicKey: Uint8Array): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', buffer(publicKey), ED25519, false, ['verify']);
}

export async function verifyEd25519(
  publicKey: Promise<CryptoKey>,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (!(signature instanceof Uint8Array) || signature.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return await globalThis.crypto.subtle.verify(
      ED25519,
      await publicKey,
      buffer(signature),
      buffer(message),
    );
  } catch {
    return false;
  }
}

export function isEd25519PublicKey(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === ED25519_PUBLIC_KEY_SIZE;
}
