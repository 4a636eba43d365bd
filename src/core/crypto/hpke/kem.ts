/**
 * The KEM interface of RFC 9180 §4, as Valise uses it. Private keys are opaque tagged values
 * (a `kind` plus a WebCrypto CryptoKey for the X25519 half), so a browser can keep the X25519
 * part non-extractable in IndexedDB; public keys, encapsulations and shared secrets are bytes.
 *
 * The derandomized functions (`deriveKeyPair`, `encapsulateDerand`) are the specifications' own
 * deterministic variants (RFC 9180 §7.1.3 DeriveKeyPair, X-Wing EncapsulateDerand); Valise code
 * uses `generateKeyPair` and `encapsulate`, the vector tests use the derandomized ones.
 */
import type { DhkemX25519PrivateKey } from './dhkem-x25519.ts';
import type { XWingPrivateKey } from './x-wing.ts';

export type KemPrivateKey = DhkemX25519PrivateKey | XWingPrivateKey;

export interface KemKeyPair<P extends KemPrivateKey = KemPrivateKey> {
  readonly privateKey: P;
  readonly publicKey: Uint8Array;
}

export interface KemEncapsulation {
  readonly sharedSecret: Uint8Array;
  readonly enc: Uint8Array;
}

export interface KeyOptions {
  /**
   * Whether the private key may later be written out with `exportPrivateKey` (the CLI's key
   * file). Defaults to false: the X25519 half becomes a non-extractable CryptoKey.
   */
  readonly extractable?: boolean;
}

export interface Kem<P extends KemPrivateKey = KemPrivateKey> {
  /** RFC 9180 §7.1 KEM identifier (u16). */
  readonly id: number;
  readonly name: string;
  /** Npk, Nsk (of the exported private key), Nenc, Nsecret, in bytes. */
  readonly publicKeyLength: number;
  readonly privateKeyLength: number;
  readonly encLength: number;
  readonly sharedSecretLength: number;
  /** Length of the randomness `encapsulateDerand` takes. */
  readonly encapsulationSeedLength: number;

  generateKeyPair(options?: KeyOptions): Promise<KemKeyPair<P>>;
  /** RFC 9180 DeriveKeyPair(ikm); ikm must hold at least Nsk bytes. */
  deriveKeyPair(ikm: Uint8Array, options?: KeyOptions): Promise<KemKeyPair<P>>;
  /** Checks a public key (length, and what the KEM can check cheaply); returns a private copy. */
  importPublicKey(publicKey: Uint8Array): Uint8Array;
  /** DeserializePrivateKey: the bytes that `exportPrivateKey` wrote. */
  importPrivateKey(privateKey: Uint8Array, options?: KeyOptions): Promise<P>;
  /** SerializePrivateKey; only for keys made extractable, else CryptoError 'NOT_EXTRACTABLE'. */
  exportPrivateKey(privateKey: P): Promise<Uint8Array>;
  /** Checks that `value` is a well-formed private key of this KEM; returns a private copy. */
  checkPrivateKey(value: unknown, name?: string): P;

  encapsulate(publicKey: Uint8Array): Promise<KemEncapsulation>;
  encapsulateDerand(publicKey: Uint8Array, seed: Uint8Array): Promise<KemEncapsulation>;
  decapsulate(enc: Uint8Array, privateKey: P): Promise<Uint8Array>;
}
