/**
 * The seam between HPKE and the platform: the standard primitives under Valise's KEMs and
 * AEAD, and nothing above them. X-Wing's combiner, DHKEM's extract-and-expand, the key
 * schedule and every input check stay in core and run the same on every platform; only these
 * calls differ. Core ships two implementations (`NOBLE_PRIMITIVES`: noble's ML-KEM with
 * WebCrypto X25519 and AES-GCM; `WEB_CRYPTO_PRIMITIVES`: WebCrypto's ML-KEM where the platform
 * has it); Node's synchronous `node:crypto` one lives outside core, in src/platform, and is
 * wired in by the entry points. Every implementation passes the same vectors.
 *
 * Implementations get arguments already checked for type and size by their caller, and throw
 * only CryptoError: BAD_KEY for a key their checks refuse, `failureCode` where one is passed,
 * OPEN_FAILED for a ciphertext that does not authenticate.
 */
import type { CryptoErrorCode } from './crypto-error.ts';

export interface MlKemKeyPair {
  /** FIPS 203 ek (1184 bytes for ML-KEM-768). */
  readonly publicKey: Uint8Array;
  /** FIPS 203 expanded dk (2400 bytes for ML-KEM-768). */
  readonly secretKey: Uint8Array;
}

export interface MlKemEncapsulation {
  readonly cipherText: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/** An ephemeral X25519 exchange: the ephemeral public value and X25519(eph, peer). */
export interface X25519Exchange {
  readonly publicKey: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

export interface Primitives {
  readonly kind: 'Primitives';
  /** What runs underneath, for benchmarks and test names. */
  readonly name: string;
  /** FIPS 203 ML-KEM-768.KeyGen_internal(d, z) from seed = d || z (64 bytes). */
  mlKem768Keygen(seed: Uint8Array): Promise<MlKemKeyPair>;
  /** FIPS 203 ML-KEM-768.Encaps(ek), after the §7.2 encapsulation key check (BAD_KEY). */
  mlKem768Encapsulate(publicKey: Uint8Array): Promise<MlKemEncapsulation>;
  /** FIPS 203 ML-KEM-768.Decaps(dk, c); implicit rejection, BAD_KEY if dk fails §7.3. */
  mlKem768Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional: dk imported once, after its §7.3 check (BAD_KEY), in this platform's opaque
   * form, so a device that opens many wraps pays the import once (x-wing.ts `prepare`).
   */
  mlKem768ImportSecretKey?(secretKey: Uint8Array): Promise<unknown>;
  /** ML-KEM-768.Decaps with a key from `mlKem768ImportSecretKey`. */
  mlKem768DecapsulateImported?(cipherText: Uint8Array, imported: unknown): Promise<Uint8Array>;
  /**
   * Optional: a 32-byte X25519 private scalar imported once in this platform's opaque form
   * (x-wing.ts `prepare`, for a key that may be exported anyway), so a device that opens many
   * wraps runs its X25519 half on this platform's own, synchronous, X25519.
   */
  x25519ImportPrivateKey?(scalar: Uint8Array): Promise<unknown>;
  /** RFC 7748 X25519(k, u) with a key from `x25519ImportPrivateKey`; `failureCode` for an all-zero output. */
  x25519Imported?(
    imported: unknown,
    peerPublicKey: Uint8Array,
    failureCode: CryptoErrorCode,
  ): Promise<Uint8Array>;
  /** RFC 7748 X25519 with a fresh ephemeral key; `failureCode` for an all-zero output. */
  x25519Ephemeral(peerPublicKey: Uint8Array, failureCode: CryptoErrorCode): Promise<X25519Exchange>;
  /** FIPS 202 SHA3-256. */
  sha3_256(message: Uint8Array): Uint8Array;
  /** RFC 5869 §2.2 HKDF-Extract with SHA-256; an empty salt is HashLen zeros. */
  hkdfSha256Extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /** RFC 5869 §2.3 HKDF-Expand with SHA-256; `length` ≤ 255 × 32, checked by the caller. */
  hkdfSha256Expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** An AES-GCM key of 16 or 32 bytes, in this platform's own opaque form. */
  aesGcmImportKey(key: Uint8Array): Promise<unknown>;
  /** The key length in bytes of a key made by `aesGcmImportKey`, or undefined for anything else. */
  aesGcmKeyLength(key: unknown): number | undefined;
  /** AES-GCM with a 12-byte nonce and a 16-byte tag: ciphertext || tag. */
  aesGcmSeal(key: unknown, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** The plaintext, or CryptoError 'OPEN_FAILED'. */
  aesGcmOpen(key: unknown, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
}
