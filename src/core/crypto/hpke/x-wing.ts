/**
 * X-Wing (draft-connolly-cfrg-xwing-kem), KEM id 0x647a: ML-KEM-768 + X25519 with the combiner
 * SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel). The draft's steps (seed expansion, the
 * combiner, the checks) are written here once; the primitives under them come from a
 * `Primitives` (noble + WebCrypto by default, `node:crypto` in Node through src/platform).
 * A recipient's X25519 half is a WebCrypto CryptoKey on every path, so it can stay
 * non-extractable; `prepare` may also import an extractable one (a CLI key file's, whose
 * scalar can be written out anyway) into the primitives, which then run its X25519 themselves.
 *
 * A private key is kept expanded (draft §5.5.1): the ML-KEM decapsulation key, the X25519
 * CryptoKey and the public key. An extractable key also keeps its 32-byte seed, which is the
 * draft's private key encoding and what `exportPrivateKey` writes. A non-extractable key is made
 * without a seed: its X25519 half is generated inside WebCrypto and never exists as bytes.
 *
 * The derandomized `encapsulateDerand` (for the draft's vectors only) always runs noble's
 * ML-KEM: no native API takes the encapsulation's randomness as an argument.
 *
 * One deliberate difference from the draft: WebCrypto refuses an all-zero X25519 output, so a
 * low-order pk_X (on encapsulation) or ct_X (on decapsulation) is an error here where the draft
 * would carry on. No honest key or ciphertext is affected.
 */

import { shake256 } from '@noble/hashes/sha3.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { concatBytes, constantTimeEqual, randomBytes } from '../../encoding/bytes.ts';
import { CryptoError } from './crypto-error.ts';
import {
  MAX_LABELED_INPUT_LENGTH,
  ownValue,
  requireBytes,
  requireExtractable,
  requireTagged,
} from './input-checks.ts';
import type { Kem, KemEncapsulation, KemKeyPair, KeyOptions } from './kem.ts';
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

export interface XWingPrivateKey {
  readonly kind: 'XWingPrivateKey';
  /** The draft's 32-byte decapsulation key; present only on extractable keys. */
  readonly seed?: Uint8Array;
  /** The expanded ML-KEM-768 decapsulation key (FIPS 203 dk, 2400 bytes). */
  readonly mlKemSecretKey: Uint8Array;
  readonly x25519: CryptoKey;
  /** The 1216-byte X-Wing encapsulation key pk_M || pk_X. */
  readonly publicKey: Uint8Array;
  /**
   * The halves imported once by `prepare`, for the primitives that made them: a device keeps
   * them with its keys, so opening a wrap skips the ML-KEM import and its §7.3 check, and runs
   * the X25519 half on those primitives.
   */
  readonly imported?: ImportedHalves;
}

/** A private key's halves in one set of primitives' own form (x-wing.ts `prepare`). */
export interface ImportedHalves {
  readonly by: Primitives;
  /** The ML-KEM decapsulation key, when these primitives import one. */
  readonly mlKem?: unknown;
  /**
   * The X25519 private key, when these primitives import one and the key is extractable (its
   * scalar can be written out anyway); a non-extractable half stays in WebCrypto only.
   */
  readonly x25519?: unknown;
}

const KEM_ID = 0x647a;
const SEED_LENGTH = 32;
const ML_KEM_PUBLIC_KEY_LENGTH = 1184;
const ML_KEM_SECRET_KEY_LENGTH = 2400;
const ML_KEM_CIPHERTEXT_LENGTH = 1088;
const PUBLIC_KEY_LENGTH = ML_KEM_PUBLIC_KEY_LENGTH + X25519_KEY_LENGTH;
const CIPHERTEXT_LENGTH = ML_KEM_CIPHERTEXT_LENGTH + X25519_KEY_LENGTH;
const ESEED_LENGTH = 64;
// FIPS 203 dk = dk_PKE (1152) || ek (1184) || H(ek) || z: where the encapsulation key sits.
const EMBEDDED_EK_OFFSET = 1152;
// Draft §5.3: XWingLabel = "\./" || "/^\", hex 5c2e2f2f5e5c.
const XWING_LABEL = Uint8Array.of(0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c);
// RFC 7748 §4.1: the base point u = 9; X25519(k, 9) is k's public value.
const BASE_POINT = Uint8Array.of(9, ...new Uint8Array(31));

/** Draft §5.3 Combiner(ss_M, ss_X, ct_X, pk_X). */
function combine(
  primitives: Primitives,
  ssM: Uint8Array,
  ssX: Uint8Array,
  ctX: Uint8Array,
  pkX: Uint8Array,
): Uint8Array {
  return primitives.sha3_256(concatBytes(ssM, ssX, ctX, pkX, XWING_LABEL));
}

function keyPairOf(privateKey: XWingPrivateKey): KemKeyPair<XWingPrivateKey> {
  return Object.freeze({ privateKey, publicKey: privateKey.publicKey.slice() });
}

function privateKeyOf(
  mlKem: { publicKey: Uint8Array; secretKey: Uint8Array },
  x: X25519KeyPair,
  seed: Uint8Array | undefined,
): XWingPrivateKey {
  return Object.freeze({
    kind: 'XWingPrivateKey',
    ...(seed === undefined ? {} : { seed: seed.slice() }),
    mlKemSecretKey: mlKem.secretKey,
    x25519: x.privateKey,
    publicKey: concatBytes(mlKem.publicKey, x.publicKey),
  });
}

/** Draft §5.2 expandDecapsulationKey(sk), keeping the seed only if the key is extractable. */
async function fromSeed(
  primitives: Primitives,
  seed: Uint8Array,
  extractable: boolean,
): Promise<XWingPrivateKey> {
  const expanded = shake256(seed, { dkLen: 96 });
  try {
    const mlKem = await primitives.mlKem768Keygen(expanded.subarray(0, 64));
    const x = await importX25519(expanded.subarray(64, 96), extractable);
    return privateKeyOf(mlKem, x, extractable ? seed : undefined);
  } finally {
    expanded.fill(0);
  }
}

/** A non-extractable key with no seed: the X25519 scalar is generated inside WebCrypto. */
async function generateSealed(primitives: Primitives): Promise<XWingPrivateKey> {
  const mlKemSeed = randomBytes(64);
  try {
    return privateKeyOf(await primitives.mlKem768Keygen(mlKemSeed), await generateX25519(false), undefined);
  } finally {
    mlKemSeed.fill(0);
  }
}

function checkPublicKey(publicKey: unknown): Uint8Array {
  const name = 'publicKey';
  const bytes = requireBytes(publicKey, name, { length: PUBLIC_KEY_LENGTH, code: 'BAD_KEY' });
  try {
    // FIPS 203 §7.2 encapsulation key check (draft §4 requires it): noble's encapsulate runs it
    // first, so encapsulating to a fixed message is the check, and its output is discarded.
    ml_kem768.encapsulate(bytes.subarray(0, ML_KEM_PUBLIC_KEY_LENGTH), new Uint8Array(32));
  } catch (cause) {
    throw new CryptoError('BAD_KEY', `${name} fails the ML-KEM-768 encapsulation key check (FIPS 203 §7.2)`, {
      cause,
    });
  }
  return bytes;
}

function checkPrivateKey(value: unknown, argumentName: unknown = 'privateKey'): XWingPrivateKey {
  const name = typeof argumentName === 'string' ? argumentName : 'privateKey';
  const key = requireTagged(value, 'XWingPrivateKey', name);
  const x25519Key = requireX25519PrivateKey(ownValue(key, 'x25519'), `${name}.x25519`);
  const mlKemSecretKey = requireBytes(ownValue(key, 'mlKemSecretKey'), `${name}.mlKemSecretKey`, {
    length: ML_KEM_SECRET_KEY_LENGTH,
    code: 'BAD_KEY',
  });
  const publicKey = requireBytes(ownValue(key, 'publicKey'), `${name}.publicKey`, {
    length: PUBLIC_KEY_LENGTH,
    code: 'BAD_KEY',
  });
  const embedded = mlKemSecretKey.subarray(EMBEDDED_EK_OFFSET, EMBEDDED_EK_OFFSET + ML_KEM_PUBLIC_KEY_LENGTH);
  if (!constantTimeEqual(embedded, publicKey.subarray(0, ML_KEM_PUBLIC_KEY_LENGTH))) {
    throw new CryptoError('BAD_KEY', `${name}.publicKey does not match its ML-KEM decapsulation key`);
  }
  const seedValue = ownValue(key, 'seed');
  const seed =
    seedValue === undefined
      ? undefined
      : requireBytes(seedValue, `${name}.seed`, { length: SEED_LENGTH, code: 'BAD_KEY' });
  // Kept only as built by `prepare`: the primitives that imported it are checked at use.
  const importedValue = ownValue(key, 'imported');
  const imported =
    typeof importedValue === 'object' && importedValue !== null && Object.isFrozen(importedValue)
      ? (importedValue as ImportedHalves)
      : undefined;
  return Object.freeze({
    kind: 'XWingPrivateKey',
    ...(seed === undefined ? {} : { seed }),
    mlKemSecretKey,
    x25519: x25519Key,
    publicKey,
    ...(imported === undefined ? {} : { imported }),
  });
}

/**
 * The X25519 half of an extractable key imported by `primitives`, or undefined when they
 * import none or the key is non-extractable (its scalar never leaves WebCrypto). The import
 * must give the key's own pk_X, or the key is refused.
 */
async function importX25519Half(primitives: Primitives, key: XWingPrivateKey): Promise<unknown> {
  if (!primitives.x25519ImportPrivateKey || !primitives.x25519Imported || !key.x25519.extractable) {
    return undefined;
  }
  const scalar = await exportX25519(key.x25519);
  try {
    const imported = await primitives.x25519ImportPrivateKey(scalar);
    const publicValue = await primitives.x25519Imported(imported, BASE_POINT, 'BAD_KEY');
    if (!constantTimeEqual(publicValue, key.publicKey.subarray(ML_KEM_PUBLIC_KEY_LENGTH))) {
      throw new CryptoError('BAD_KEY', 'privateKey.x25519 does not match its public key');
    }
    return imported;
  } finally {
    scalar.fill(0);
  }
}

/** Draft §5.4 Encapsulate from its parts: the ML-KEM half, then the X25519 half, combined. */
function encapsulation(
  primitives: Primitives,
  mlKem: { cipherText: Uint8Array; sharedSecret: Uint8Array },
  x: { publicKey: Uint8Array; sharedSecret: Uint8Array },
  pkX: Uint8Array,
): KemEncapsulation {
  const sharedSecret = combine(primitives, mlKem.sharedSecret, x.sharedSecret, x.publicKey, pkX);
  mlKem.sharedSecret.fill(0);
  x.sharedSecret.fill(0);
  return { sharedSecret, enc: concatBytes(mlKem.cipherText, x.publicKey) };
}

/**
 * The X-Wing KEM over one set of primitives. The class's private field is the brand that
 * `hpkeSuite` checks: only objects built here are X-Wing KEMs, whatever a look-alike claims.
 */
export class XWingKem implements Kem<XWingPrivateKey> {
  readonly #primitives: Primitives;
  readonly id = KEM_ID;
  readonly name = 'X-Wing (ML-KEM-768 + X25519)';
  readonly publicKeyLength = PUBLIC_KEY_LENGTH;
  readonly privateKeyLength = SEED_LENGTH;
  readonly encLength = CIPHERTEXT_LENGTH;
  readonly sharedSecretLength = 32;
  readonly encapsulationSeedLength = ESEED_LENGTH;

  constructor(primitives: Primitives) {
    this.#primitives = primitives;
    Object.freeze(this);
  }

  static is(value: unknown): value is XWingKem {
    return typeof value === 'object' && value !== null && #primitives in value;
  }

  async generateKeyPair(options?: KeyOptions): Promise<KemKeyPair<XWingPrivateKey>> {
    if (!requireExtractable(options)) return keyPairOf(await generateSealed(this.#primitives));
    const seed = randomBytes(SEED_LENGTH);
    try {
      return keyPairOf(await fromSeed(this.#primitives, seed, true));
    } finally {
      seed.fill(0);
    }
  }

  async deriveKeyPair(ikm: Uint8Array, options?: KeyOptions): Promise<KemKeyPair<XWingPrivateKey>> {
    const input = requireBytes(ikm, 'ikm', { min: SEED_LENGTH, max: MAX_LABELED_INPUT_LENGTH });
    const extractable = requireExtractable(options);
    // Draft §5.6: DeriveKeyPair(ikm) = GenerateKeyPairDerand(SHAKE256(ikm, 32 bytes)).
    const seed = shake256(input, { dkLen: SEED_LENGTH });
    try {
      return keyPairOf(await fromSeed(this.#primitives, seed, extractable));
    } finally {
      seed.fill(0);
    }
  }

  importPublicKey(publicKey: Uint8Array): Uint8Array {
    return checkPublicKey(publicKey);
  }

  async importPrivateKey(privateKey: Uint8Array, options?: KeyOptions): Promise<XWingPrivateKey> {
    const seed = requireBytes(privateKey, 'privateKey', { length: SEED_LENGTH, code: 'BAD_KEY' });
    const extractable = requireExtractable(options);
    try {
      return await fromSeed(this.#primitives, seed, extractable);
    } finally {
      seed.fill(0);
    }
  }

  async exportPrivateKey(privateKey: XWingPrivateKey): Promise<Uint8Array> {
    const key = checkPrivateKey(privateKey);
    if (key.seed === undefined || !key.x25519.extractable) {
      throw new CryptoError(
        'NOT_EXTRACTABLE',
        'this X-Wing private key is non-extractable; it cannot be written out',
      );
    }
    return key.seed;
  }

  /**
   * The key with its halves imported once by these primitives, to keep beside the device's
   * keys for as long as they are held: the ML-KEM half after its FIPS 203 §7.3 check, the
   * X25519 half when the key is extractable, after checking that it gives the key's own
   * pk_X. The key as it was when these primitives cannot import ahead.
   */
  async prepare(privateKey: XWingPrivateKey): Promise<XWingPrivateKey> {
    const key = checkPrivateKey(privateKey);
    const primitives = this.#primitives;
    const mlKem =
      primitives.mlKem768ImportSecretKey && primitives.mlKem768DecapsulateImported
        ? await primitives.mlKem768ImportSecretKey(key.mlKemSecretKey)
        : undefined;
    const x25519Key = await importX25519Half(primitives, key);
    if (mlKem === undefined && x25519Key === undefined) return key;
    const imported: ImportedHalves = Object.freeze({
      by: primitives,
      ...(mlKem === undefined ? {} : { mlKem }),
      ...(x25519Key === undefined ? {} : { x25519: x25519Key }),
    });
    return Object.freeze({ ...key, imported });
  }

  checkPrivateKey(value: unknown, name?: string): XWingPrivateKey {
    return checkPrivateKey(value, name);
  }

  async encapsulate(publicKey: Uint8Array): Promise<KemEncapsulation> {
    const recipient = requireBytes(publicKey, 'publicKey', { length: PUBLIC_KEY_LENGTH, code: 'BAD_KEY' });
    const pkX = recipient.subarray(ML_KEM_PUBLIC_KEY_LENGTH);
    // The X25519 half first, as the draft lists it; a low-order pk_X fails before any ML-KEM work.
    const x = await this.#primitives.x25519Ephemeral(pkX, 'BAD_KEY');
    const mlKem = await this.#primitives.mlKem768Encapsulate(recipient.subarray(0, ML_KEM_PUBLIC_KEY_LENGTH));
    return encapsulation(this.#primitives, mlKem, x, pkX);
  }

  async encapsulateDerand(publicKey: Uint8Array, seed: Uint8Array): Promise<KemEncapsulation> {
    const recipient = requireBytes(publicKey, 'publicKey', { length: PUBLIC_KEY_LENGTH, code: 'BAD_KEY' });
    const eseed = requireBytes(seed, 'seed', { length: ESEED_LENGTH });
    const pkX = recipient.subarray(ML_KEM_PUBLIC_KEY_LENGTH);
    try {
      // Draft §5.4.1: eseed[0:32] is ML-KEM's message m, eseed[32:64] the X25519 ephemeral scalar.
      const ephemeral = await importX25519(eseed.subarray(32, 64), false);
      const x = {
        publicKey: ephemeral.publicKey,
        sharedSecret: await x25519(ephemeral.privateKey, pkX, 'BAD_KEY'),
      };
      let mlKem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
      try {
        mlKem = ml_kem768.encapsulate(recipient.subarray(0, ML_KEM_PUBLIC_KEY_LENGTH), eseed.subarray(0, 32));
      } catch (cause) {
        throw new CryptoError(
          'BAD_KEY',
          'publicKey fails the ML-KEM-768 encapsulation key check (FIPS 203 §7.2)',
          {
            cause,
          },
        );
      }
      return encapsulation(this.#primitives, mlKem, x, pkX);
    } finally {
      eseed.fill(0);
    }
  }

  async decapsulate(enc: Uint8Array, privateKey: XWingPrivateKey): Promise<Uint8Array> {
    const ct = requireBytes(enc, 'enc', { length: CIPHERTEXT_LENGTH, code: 'BAD_ENCAPSULATION' });
    const key = checkPrivateKey(privateKey);
    const ctX = ct.subarray(ML_KEM_CIPHERTEXT_LENGTH);
    // ML-KEM decapsulation never fails on a well-sized ciphertext (implicit rejection); it
    // fails only if the decapsulation key fails its own hash check (FIPS 203 §7.3).
    const ctM = ct.subarray(0, ML_KEM_CIPHERTEXT_LENGTH);
    const primitives = this.#primitives;
    const imported = key.imported?.by === primitives ? key.imported : undefined;
    const ssM =
      imported?.mlKem !== undefined && primitives.mlKem768DecapsulateImported
        ? await primitives.mlKem768DecapsulateImported(ctM, imported.mlKem)
        : await primitives.mlKem768Decapsulate(ctM, key.mlKemSecretKey);
    const ssX =
      imported?.x25519 !== undefined && primitives.x25519Imported
        ? await primitives.x25519Imported(imported.x25519, ctX, 'BAD_ENCAPSULATION')
        : await x25519(key.x25519, ctX, 'BAD_ENCAPSULATION');
    const sharedSecret = combine(
      this.#primitives,
      ssM,
      ssX,
      ctX,
      key.publicKey.subarray(ML_KEM_PUBLIC_KEY_LENGTH),
    );
    ssM.fill(0);
    ssX.fill(0);
    return sharedSecret;
  }
}

/** X-Wing on the audited portable primitives (noble + WebCrypto). */
export const XWing: XWingKem = new XWingKem(NOBLE_PRIMITIVES);
