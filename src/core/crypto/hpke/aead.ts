/**
 * The AEAD interface of RFC 9180 §4, over a key imported once per encryption context. The key
 * is opaque: each platform keeps it in its own form (a non-extractable CryptoKey in WebCrypto).
 */
export interface Aead {
  /** RFC 9180 §7.3 AEAD identifier (u16). */
  readonly id: number;
  readonly name: string;
  /** Nk, Nn, Nt in bytes. */
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
  importKey(key: Uint8Array): Promise<unknown>;
  /** Returns ciphertext || tag. */
  seal(key: unknown, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Returns the plaintext; throws CryptoError 'OPEN_FAILED' if the tag does not verify. */
  open(key: unknown, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
}
