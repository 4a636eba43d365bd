/**
 * DHKEM(X25519, HKDF-SHA256), KEM id 0x0020 (RFC 9180 §4.1, §7.1). The sender's ephemeral
 * X25519 comes from the `Primitives` the KEM is built on (WebCrypto by default, `node:crypto`'s
 * synchronous X25519 in Node); recipient keys are WebCrypto CryptoKeys on every path. The
 * extract-and-expand around it uses LabeledExtract/LabeledExpand with suite_id "KEM" || 0x0020.
 * Valise uses it only as the classical baseline of the seal benchmark and for the RFC vectors.
 */
import { concatBytes } from '../../encoding/bytes.ts';
import { type HkdfSha256Kdf, hkdfSha256 } from './hkdf-sha256.ts';
import {
  MAX_LABELED_INPUT_LENGTH,
  ownValue,
  requireBytes,
  requireExtractable,
  requireTagged,
} from './input-checks.ts';
import type { Kem, KemEncapsulation, KemKeyPair, KeyOptions } from './kem.ts';
import { kemSuiteId, labeledExpand, labeledExtract } from './labeled-kdf.ts';
import { NOBLE_PRIMITIVES } from './noble-primitives.ts';
import type { Primitives } from './primitives.ts';
import {
  exportX25519,
  generateX25519,
  importX25519,
  requireX25519PrivateKey,
  X25519_KEY_LENGTH,
  type X25519KeyPair,
  x25519,
} from './x25519.ts';

export interface DhkemX25519PrivateKey {
  readonly kind: 'DhkemX25519PrivateKey';
  readonly x25519: CryptoKey;
  readonly publicKey: Uint8Array;
}

const KEM_ID = 0x0020;
const SUITE_ID = kemSuiteId(KEM_ID);
const N_SECRET = 32;
const EMPTY = new Uint8Array(0);

function privateKeyOf(pair: X25519KeyPair): DhkemX25519PrivateKey {
  return Object.freeze({ kind: 'DhkemX25519PrivateKey', x25519: pair.privateKey, publicKey: pair.publicKey });
}

function keyPairOf(pair: X25519KeyPair): KemKeyPair<DhkemX25519PrivateKey> {
  return Object.freeze({ privateKey: privateKeyOf(pair), publicKey: pair.publicKey.slice() });
}

/** RFC 9180 §7.1.3 DeriveKeyPair for X25519: no rejection sampling, the scalar is clamped on use. */
async function derive(kdf: HkdfSha256Kdf, ikm: Uint8Array, extractable: boolean): Promise<X25519KeyPair> {
  const dkpPrk = labeledExtract(kdf, SUITE_ID, EMPTY, 'dkp_prk', ikm);
  const scalar = labeledExpand(kdf, SUITE_ID, dkpPrk, 'sk', EMPTY, X25519_KEY_LENGTH);
  try {
    return await importX25519(scalar, extractable);
  } finally {
    scalar.fill(0);
  }
}

/** RFC 9180 §4.1 ExtractAndExpand(dh, kem_context). */
function extractAndExpand(kdf: HkdfSha256Kdf, dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const eaePrk = labeledExtract(kdf, SUITE_ID, EMPTY, 'eae_prk', dh);
  return labeledExpand(kdf, SUITE_ID, eaePrk, 'shared_secret', kemContext, N_SECRET);
}

/** The encapsulation from an X25519 exchange: enc = pkE, shared secret per RFC 9180 §4.1. */
function encapsulationOf(
  kdf: HkdfSha256Kdf,
  exchange: { publicKey: Uint8Array; sharedSecret: Uint8Array },
  recipient: Uint8Array,
): KemEncapsulation {
  const enc = exchange.publicKey;
  const sharedSecret = extractAndExpand(kdf, exchange.sharedSecret, concatBytes(enc, recipient));
  exchange.sharedSecret.fill(0);
  return { sharedSecret, enc };
}

function checkPrivateKey(value: unknown, argumentName: unknown = 'privateKey'): DhkemX25519PrivateKey {
  const name = typeof argumentName === 'string' ? argumentName : 'privateKey';
  const key = requireTagged(value, 'DhkemX25519PrivateKey', name);
  const x25519Key = requireX25519PrivateKey(ownValue(key, 'x25519'), `${name}.x25519`);
  const publicKey = requireBytes(ownValue(key, 'publicKey'), `${name}.publicKey`, {
    length: X25519_KEY_LENGTH,
    code: 'BAD_KEY',
  });
  return Object.freeze({ kind: 'DhkemX25519PrivateKey', x25519: x25519Key, publicKey });
}

/**
 * DHKEM(X25519) over one set of primitives. The class's private field is the brand that
 * `hpkeSuite` checks: only objects built here are DHKEM KEMs, whatever a look-alike claims.
 */
export class DhkemX25519Kem implements Kem<DhkemX25519PrivateKey> {
  readonly #primitives: Primitives;
  /** HKDF on the same primitives: the KEM's extract-and-expand runs once per wrap. */
  readonly #kdf: HkdfSha256Kdf;
  readonly id = KEM_ID;
  readonly name = 'DHKEM(X25519, HKDF-SHA256)';
  readonly publicKeyLength = X25519_KEY_LENGTH;
  readonly privateKeyLength = X25519_KEY_LENGTH;
  readonly encLength = X25519_KEY_LENGTH;
  readonly sharedSecretLength = N_SECRET;
  readonly encapsulationSeedLength = X25519_KEY_LENGTH;

  constructor(primitives: Primitives) {
    this.#primitives = primitives;
    this.#kdf = hkdfSha256(primitives);
    Object.freeze(this);
  }

  static is(value: unknown): value is DhkemX25519Kem {
    return typeof value === 'object' && value !== null && #primitives in value;
  }

  async generateKeyPair(options?: KeyOptions): Promise<KemKeyPair<DhkemX25519PrivateKey>> {
    return keyPairOf(await generateX25519(requireExtractable(options)));
  }

  async deriveKeyPair(ikm: Uint8Array, options?: KeyOptions): Promise<KemKeyPair<DhkemX25519PrivateKey>> {
    const input = requireBytes(ikm, 'ikm', { min: X25519_KEY_LENGTH, max: MAX_LABELED_INPUT_LENGTH });
    return keyPairOf(await derive(this.#kdf, input, requireExtractable(options)));
  }

  importPublicKey(publicKey: Uint8Array): Uint8Array {
    // RFC 9180 §7.1.1: any 32 bytes deserialize; low-order values are caught by the DH check.
    return requireBytes(publicKey, 'publicKey', { length: X25519_KEY_LENGTH, code: 'BAD_KEY' });
  }

  async importPrivateKey(privateKey: Uint8Array, options?: KeyOptions): Promise<DhkemX25519PrivateKey> {
    const scalar = requireBytes(privateKey, 'privateKey', { length: X25519_KEY_LENGTH, code: 'BAD_KEY' });
    const extractable = requireExtractable(options);
    try {
      return privateKeyOf(await importX25519(scalar, extractable));
    } finally {
      scalar.fill(0);
    }
  }

  async exportPrivateKey(privateKey: DhkemX25519PrivateKey): Promise<Uint8Array> {
    return exportX25519(checkPrivateKey(privateKey).x25519);
  }

  checkPrivateKey(value: unknown, name?: string): DhkemX25519PrivateKey {
    return checkPrivateKey(value, name);
  }

  async encapsulate(publicKey: Uint8Array): Promise<KemEncapsulation> {
    const recipient = this.importPublicKey(publicKey);
    // RFC 9180 §7.1.4: an all-zero DH output (low-order recipient key) aborts the encapsulation.
    return encapsulationOf(
      this.#kdf,
      await this.#primitives.x25519Ephemeral(recipient, 'BAD_KEY'),
      recipient,
    );
  }

  async encapsulateDerand(publicKey: Uint8Array, seed: Uint8Array): Promise<KemEncapsulation> {
    const recipient = this.importPublicKey(publicKey);
    const ikm = requireBytes(seed, 'seed', { min: X25519_KEY_LENGTH, max: MAX_LABELED_INPUT_LENGTH });
    const ephemeral = await derive(this.#kdf, ikm, false);
    const sharedSecret = await x25519(ephemeral.privateKey, recipient, 'BAD_KEY');
    return encapsulationOf(this.#kdf, { publicKey: ephemeral.publicKey, sharedSecret }, recipient);
  }

  async decapsulate(enc: Uint8Array, privateKey: DhkemX25519PrivateKey): Promise<Uint8Array> {
    const ephemeral = requireBytes(enc, 'enc', { length: X25519_KEY_LENGTH, code: 'BAD_ENCAPSULATION' });
    const recipient = checkPrivateKey(privateKey);
    // RFC 9180 §7.1.4: the recipient refuses an all-zero DH output.
    const dh = await x25519(recipient.x25519, ephemeral, 'BAD_ENCAPSULATION');
    const sharedSecret = extractAndExpand(this.#kdf, dh, concatBytes(ephemeral, recipient.publicKey));
    dh.fill(0);
    return sharedSecret;
  }
}

/** DHKEM(X25519) on the portable primitives (WebCrypto X25519). */
export const DhkemX25519: DhkemX25519Kem = new DhkemX25519Kem(NOBLE_PRIMITIVES);
