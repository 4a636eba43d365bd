/**
 * X-Wing (draft-connolly-cfrg-xwing-kem), KEM id 0x647a: ML-KEM-768 + X25519 with the combiner
 * SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel). ML-KEM-768, SHA3-256 and SHAKE256 come
 * from noble; X25519 from WebCrypto, so a recipient's X25519 half can stay non-extractable.
 *
 * A private key is kept expanded (draft §5.5.1): the ML-KEM decapsulation key, the X25519
 * CryptoKey and the public key. An extractable key also keeps its 32-byte seed, which is the
 * draft's private key encoding and what `exportPrivateKey` writes. A non-extractable key is made
 * without a seed: its X25519 half is generated inside WebCrypto and never exists as bytes.
 *
 * One deliberate difference from the draft: WebCrypto refuses an all-zero X25519 output, so a
 * low-order pk_X (on encapsulation) or ct_X (on decapsulation) is an error here where the draft
 * would carry on. No honest key or ciphertext is affected.
 */

import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
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
import {
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

/** Draft §5.3 Combiner(ss_M, ss_X, ct_X, pk_X). */
function combine(ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array): Uint8Array {
  return sha3_256(concatBytes(ssM, ssX, ctX, pkX, XWING_LABEL));
}

function keyPairOf(privateKey: XWingPrivateKey): KemKeyPair<XWingPrivateKey> {
  return Object.freeze({ privateKey, publicKey: privateKey.publicKey.slice() });
}

/** Draft §5.2 expandDecapsulationKey(sk), keeping the seed only if the key is extractable. */
async function fromSeed(seed: Uint8Array, extractable: boolean): Promise<XWingPrivateKey> {
  const expanded = shake256(seed, { dkLen: 96 });
  try {
    const mlKem = ml_kem768.keygen(expanded.subarray(0, 64));
    const x = await importX25519(expanded.subarray(64, 96), extractable);
    return Object.freeze({
      kind: 'XWingPrivateKey',
      ...(extractable ? { seed: seed.slice() } : {}),
      mlKemSecretKey: mlKem.secretKey,
      x25519: x.privateKey,
      publicKey: concatBytes(mlKem.publicKey, x.publicKey),
    });
  } finally {
    expanded.fill(0);
  }
}

/** A non-extractable key with no seed: the X25519 scalar is generated inside WebCrypto. */
async function generateSealed(): Promise<XWingPrivateKey> {
  const mlKemSeed = randomBytes(64);
  const mlKem = ml_kem768.keygen(mlKemSeed);
  mlKemSeed.fill(0);
  const x = await generateX25519(false);
  return Object.freeze({
    kind: 'XWingPrivateKey',
    mlKemSecretKey: mlKem.secretKey,
    x25519: x.privateKey,
    publicKey: concatBytes(mlKem.publicKey, x.publicKey),
  });
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
  return Object.freeze({
    kind: 'XWingPrivateKey',
    ...(seed === undefined ? {} : { seed }),
    mlKemSecretKey,
    x25519: x25519Key,
    publicKey,
  });
}

async function encapsulateWith(
  recipient: Uint8Array,
  mlKemMessage: Uint8Array | undefined,
  ephemeral: X25519KeyPair,
): Promise<KemEncapsulation> {
  const pkM = recipient.subarray(0, ML_KEM_PUBLIC_KEY_LENGTH);
  const pkX = recipient.subarray(ML_KEM_PUBLIC_KEY_LENGTH);
  const ctX = ephemeral.publicKey;
  const ssX = await x25519(ephemeral.privateKey, pkX, 'BAD_KEY');
  let mlKem: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    mlKem = ml_kem768.encapsulate(pkM, mlKemMessage);
  } catch (cause) {
    throw new CryptoError(
      'BAD_KEY',
      'publicKey fails the ML-KEM-768 encapsulation key check (FIPS 203 §7.2)',
      {
        cause,
      },
    );
  }
  const sharedSecret = combine(mlKem.sharedSecret, ssX, ctX, pkX);
  mlKem.sharedSecret.fill(0);
  ssX.fill(0);
  return { sharedSecret, enc: concatBytes(mlKem.cipherText, ctX) };
}

export const XWing: Kem<XWingPrivateKey> = Object.freeze({
  id: KEM_ID,
  name: 'X-Wing (ML-KEM-768 + X25519)',
  publicKeyLength: PUBLIC_KEY_LENGTH,
  privateKeyLength: SEED_LENGTH,
  encLength: CIPHERTEXT_LENGTH,
  sharedSecretLength: 32,
  encapsulationSeedLength: ESEED_LENGTH,

  async generateKeyPair(options?: KeyOptions): Promise<KemKeyPair<XWingPrivateKey>> {
    if (!requireExtractable(options)) return keyPairOf(await generateSealed());
    const seed = randomBytes(SEED_LENGTH);
    try {
      return keyPairOf(await fromSeed(seed, true));
    } finally {
      seed.fill(0);
    }
  },

  async deriveKeyPair(ikm: Uint8Array, options?: KeyOptions): Promise<KemKeyPair<XWingPrivateKey>> {
    const input = requireBytes(ikm, 'ikm', { min: SEED_LENGTH, max: MAX_LABELED_INPUT_LENGTH });
    const extractable = requireExtractable(options);
    // Draft §5.6: DeriveKeyPair(ikm) = GenerateKeyPairDerand(SHAKE256(ikm, 32 bytes)).
    const seed = shake256(input, { dkLen: SEED_LENGTH });
    try {
      return keyPairOf(await fromSeed(seed, extractable));
    } finally {
      seed.fill(0);
    }
  },

  importPublicKey: (publicKey: Uint8Array): Uint8Array => checkPublicKey(publicKey),

  async importPrivateKey(privateKey: Uint8Array, options?: KeyOptions): Promise<XWingPrivateKey> {
    const seed = requireBytes(privateKey, 'privateKey', { length: SEED_LENGTH, code: 'BAD_KEY' });
    const extractable = requireExtractable(options);
    try {
      return await fromSeed(seed, extractable);
    } finally {
      seed.fill(0);
    }
  },

  async exportPrivateKey(privateKey: XWingPrivateKey): Promise<Uint8Array> {
    const key = checkPrivateKey(privateKey);
    if (key.seed === undefined || !key.x25519.extractable) {
      throw new CryptoError(
        'NOT_EXTRACTABLE',
        'this X-Wing private key is non-extractable; it cannot be written out',
      );
    }
    return key.seed;
  },

  checkPrivateKey,

  async encapsulate(publicKey: Uint8Array): Promise<KemEncapsulation> {
    const recipient = requireBytes(publicKey, 'publicKey', { length: PUBLIC_KEY_LENGTH, code: 'BAD_KEY' });
    return encapsulateWith(recipient, undefined, await generateX25519(false));
  },

  async encapsulateDerand(publicKey: Uint8Array, seed: Uint8Array): Promise<KemEncapsulation> {
    const recipient = requireBytes(publicKey, 'publicKey', { length: PUBLIC_KEY_LENGTH, code: 'BAD_KEY' });
    const eseed = requireBytes(seed, 'seed', { length: ESEED_LENGTH });
    // Draft §5.4.1: eseed[0:32] is ML-KEM's message m, eseed[32:64] the X25519 ephemeral scalar.
    const ephemeral = await importX25519(eseed.subarray(32, 64), false);
    try {
      return await encapsulateWith(recipient, eseed.subarray(0, 32), ephemeral);
    } finally {
      eseed.fill(0);
    }
  },

  async decapsulate(enc: Uint8Array, privateKey: XWingPrivateKey): Promise<Uint8Array> {
    const ct = requireBytes(enc, 'enc', { length: CIPHERTEXT_LENGTH, code: 'BAD_ENCAPSULATION' });
    const key = checkPrivateKey(privateKey);
    const ctX = ct.subarray(ML_KEM_CIPHERTEXT_LENGTH);
    let ssM: Uint8Array;
    try {
      // ML-KEM decapsulation never fails on a well-sized ciphertext (implicit rejection); it
      // throws only if the decapsulation key fails its own hash check (FIPS 203 §7.3).
      ssM = ml_kem768.decapsulate(ct.subarray(0, ML_KEM_CIPHERTEXT_LENGTH), key.mlKemSecretKey);
    } catch (cause) {
      throw new CryptoError('BAD_KEY', 'privateKey.mlKemSecretKey fails the FIPS 203 §7.3 check', { cause });
    }
    const ssX = await x25519(key.x25519, ctX, 'BAD_ENCAPSULATION');
    const sharedSecret = combine(ssM, ssX, ctX, key.publicKey.subarray(ML_KEM_PUBLIC_KEY_LENGTH));
    ssM.fill(0);
    ssX.fill(0);
    return sharedSecret;
  },
});
