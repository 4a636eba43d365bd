/**
 * Node's native primitives for HPKE (docs/design.md §4): `node:crypto`'s synchronous ML-KEM-768
 * (Node ≥ 24.7, OpenSSL 3.5), X25519, SHA3-256, HMAC-SHA256 (under HKDF) and AES-GCM, behind
 * core's `Primitives` seam.
 * Core cannot import a Node built-in, so this module sits beside it and the Node entry points
 * (CLI, client in Node, benchmarks) pass its primitives to `valiseSuites`.
 *
 * Nothing here is a primitive of our own: the DER below only frames the FIPS 203 key bytes
 * in the PKCS#8 form OpenSSL reads, and the X-Wing combiner stays in core.
 *
 * `nodePrimitives()` answers undefined on a runtime without ML-KEM in `node:crypto` (Node 20):
 * the caller then keeps core's portable primitives. It checks by running each primitive once.
 *
 * Importing a recipient's public keys cost more than the encapsulation itself (the ML-KEM
 * import runs the FIPS 203 §7.2 check): each primitives object keeps the KeyObjects it
 * imported, keyed by the key's bytes (never by the array, which a caller could refill), for
 * the next cable to the same devices. Public keys only; a full cache is emptied, not grown.
 * A device's own private keys are imported once by X-Wing's `prepare` and kept by the device:
 * the ML-KEM half always, the X25519 half when its key is extractable (the CLI's key file).
 */
import * as nodeCrypto from 'node:crypto';
import { CryptoError, type CryptoErrorCode } from '../core/crypto/hpke/crypto-error.ts';
import type {
  MlKemEncapsulation,
  MlKemKeyPair,
  Primitives,
  X25519Exchange,
} from '../core/crypto/hpke/primitives.ts';
import { concatBytes, fromHex } from '../core/encoding/bytes.ts';

/** The part of Node ≥ 24.7's `node:crypto` that @types/node 20 does not describe. */
interface KemApi {
  encapsulate(key: nodeCrypto.KeyObject): { ciphertext: Uint8Array; sharedKey: Uint8Array };
  decapsulate(key: nodeCrypto.KeyObject, ciphertext: Uint8Array): Uint8Array;
}
type RawKeyInput = {
  key: Uint8Array;
  format: 'raw-public' | 'raw-seed' | 'raw-private';
  asymmetricKeyType: 'ml-kem-768' | 'x25519';
};
type RawExport = { format: 'raw-public' };

const ML_KEM_SECRET_KEY_LENGTH = 2400;
const ML_KEM_SEED_LENGTH = 64;
const hex = (text: string): Uint8Array => fromHex(text) ?? new Uint8Array(0);
// RFC 5958 OneAsymmetricKey { v1, id-alg-ml-kem-768 (2.16.840.1.101.3.4.4.2), OCTET STRING { … } },
// the ML-KEM private key CHOICE of the IETF LAMPS ML-KEM certificate profile:
// `both` SEQUENCE { seed OCTET STRING (64), expandedKey OCTET STRING (2400) } is what OpenSSL
// writes; `expandedKey` alone is what Valise stores (a non-extractable key has no seed).
const PKCS8_BOTH_PREFIX = hex('308209be020100300b0609608648016503040402048209aa308209a60440');
const PKCS8_BOTH_MIDDLE = hex('04820960');
const PKCS8_EXPANDED_PREFIX = hex('30820978020100300b06096086480165030404020482096404820960');

const copy = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

/** AES-GCM's name for a key that `aesGcmKeyLength` accepted (16 or 32 bytes). */
function gcmOf(key: nodeCrypto.KeyObject): nodeCrypto.CipherGCMTypes {
  return key.symmetricKeySize === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
}

function rawPublic(
  key: Uint8Array,
  asymmetricKeyType: RawKeyInput['asymmetricKeyType'],
): nodeCrypto.KeyObject {
  const input: RawKeyInput = { key, format: 'raw-public', asymmetricKeyType };
  return nodeCrypto.createPublicKey(input as unknown as nodeCrypto.PublicKeyInput);
}

const SHA256_LENGTH = 32;

/**
 * RFC 2104 HMAC-SHA256 of the concatenated `parts`. The key goes in as a KeyObject: handing
 * `createHmac` raw bytes costs several times the MAC itself.
 */
function hmacSha256(key: nodeCrypto.KeyObject, parts: readonly Uint8Array[]): Uint8Array {
  const mac = nodeCrypto.createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return copy(mac.digest());
}

/** Public keys imported before, by their bytes; a few thousand, emptied when full. */
const CACHED_KEYS = 4096;

class PublicKeyCache {
  readonly #keys = new Map<string, nodeCrypto.KeyObject>();

  constructor(readonly asymmetricKeyType: RawKeyInput['asymmetricKeyType']) {}

  /** The imported key; a key that fails its import check throws and is not kept. */
  get(key: Uint8Array): nodeCrypto.KeyObject {
    const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
    let imported = this.#keys.get(id);
    if (imported === undefined) {
      imported = rawPublic(key, this.asymmetricKeyType);
      if (this.#keys.size >= CACHED_KEYS) this.#keys.clear();
      this.#keys.set(id, imported);
    }
    return imported;
  }
}

function exportRawPublic(key: nodeCrypto.KeyObject): Uint8Array {
  const options: RawExport = { format: 'raw-public' };
  return copy(key.export(options as unknown as nodeCrypto.KeyExportOptions<'der'>));
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

/** dk as a KeyObject; OpenSSL runs the FIPS 203 §7.3 hash check of dk on import. */
function importMlKemSecret(secretKey: Uint8Array): nodeCrypto.KeyObject {
  const der = concatBytes(PKCS8_EXPANDED_PREFIX, secretKey);
  try {
    return nodeCrypto.createPrivateKey({
      key: Buffer.from(der.buffer, der.byteOffset, der.length),
      format: 'der',
      type: 'pkcs8',
    });
  } catch (cause) {
    throw new CryptoError('BAD_KEY', 'privateKey.mlKemSecretKey fails the FIPS 203 §7.3 check', { cause });
  } finally {
    der.fill(0);
  }
}

function makePrimitives(kem: KemApi): Primitives {
  const mlKemKeys = new PublicKeyCache('ml-kem-768');
  const x25519Keys = new PublicKeyCache('x25519');
  // RFC 5869 §2.2: an absent salt is HashLen zeros (HMAC pads a shorter key with zeros, so the
  // empty salt is this key too). HPKE extracts with it twice or three times per wrap.
  const zeroSalt = nodeCrypto.createSecretKey(new Uint8Array(SHA256_LENGTH));
  const saltKey = (salt: Uint8Array): nodeCrypto.KeyObject =>
    salt.length === 0 ? zeroSalt : nodeCrypto.createSecretKey(salt);
  return Object.freeze({
    kind: 'Primitives',
    name: 'node:crypto ML-KEM, X25519, SHA3-256, HMAC, AES-GCM',

    async mlKem768Keygen(seed: Uint8Array): Promise<MlKemKeyPair> {
      const input: RawKeyInput = { key: seed, format: 'raw-seed', asymmetricKeyType: 'ml-kem-768' };
      const privateKey = nodeCrypto.createPrivateKey(input as unknown as nodeCrypto.PrivateKeyInput);
      const der = privateKey.export({ format: 'der', type: 'pkcs8' });
      const middle = PKCS8_BOTH_PREFIX.length + ML_KEM_SEED_LENGTH;
      try {
        if (
          der.length !== middle + PKCS8_BOTH_MIDDLE.length + ML_KEM_SECRET_KEY_LENGTH ||
          !startsWith(der, PKCS8_BOTH_PREFIX) ||
          !startsWith(der, PKCS8_BOTH_MIDDLE, middle)
        ) {
          throw new CryptoError(
            'UNSUPPORTED',
            'node:crypto wrote an ML-KEM-768 key in an unexpected PKCS#8 form',
          );
        }
        return {
          publicKey: exportRawPublic(nodeCrypto.createPublicKey(privateKey)),
          secretKey: copy(der.subarray(der.length - ML_KEM_SECRET_KEY_LENGTH)),
        };
      } finally {
        der.fill(0);
      }
    },

    async mlKem768Encapsulate(publicKey: Uint8Array): Promise<MlKemEncapsulation> {
      let key: nodeCrypto.KeyObject;
      try {
        // The raw-public import runs the FIPS 203 §7.2 encapsulation key check.
        key = mlKemKeys.get(publicKey);
      } catch (cause) {
        throw new CryptoError(
          'BAD_KEY',
          'publicKey fails the ML-KEM-768 encapsulation key check (FIPS 203 §7.2)',
          {
            cause,
          },
        );
      }
      const { ciphertext, sharedKey } = kem.encapsulate(key);
      return { cipherText: copy(ciphertext), sharedSecret: copy(sharedKey) };
    },

    async mlKem768Decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
      return copy(kem.decapsulate(importMlKemSecret(secretKey), cipherText));
    },

    async mlKem768ImportSecretKey(secretKey: Uint8Array): Promise<unknown> {
      return importMlKemSecret(secretKey);
    },

    async mlKem768DecapsulateImported(cipherText: Uint8Array, imported: unknown): Promise<Uint8Array> {
      if (!(imported instanceof nodeCrypto.KeyObject) || imported.asymmetricKeyType !== 'ml-kem-768') {
        throw new CryptoError('BAD_KEY', 'the imported ML-KEM key was not made by these primitives');
      }
      return copy(kem.decapsulate(imported, cipherText));
    },

    async x25519Ephemeral(peerPublicKey: Uint8Array, failureCode: CryptoErrorCode): Promise<X25519Exchange> {
      const ephemeral = nodeCrypto.generateKeyPairSync('x25519');
      try {
        const sharedSecret = nodeCrypto.diffieHellman({
          privateKey: ephemeral.privateKey,
          publicKey: x25519Keys.get(peerPublicKey),
        });
        return { publicKey: exportRawPublic(ephemeral.publicKey), sharedSecret: copy(sharedSecret) };
      } catch (cause) {
        // RFC 7748 §6.1: OpenSSL refuses the all-zero output of a low-order peer value.
        throw new CryptoError(
          failureCode,
          'X25519 produced no usable shared secret (low-order public value?)',
          {
            cause,
          },
        );
      }
    },

    async x25519ImportPrivateKey(scalar: Uint8Array): Promise<unknown> {
      const input: RawKeyInput = { key: scalar, format: 'raw-private', asymmetricKeyType: 'x25519' };
      try {
        return nodeCrypto.createPrivateKey(input as unknown as nodeCrypto.PrivateKeyInput);
      } catch (cause) {
        throw new CryptoError('BAD_KEY', 'the X25519 private scalar does not import', { cause });
      }
    },

    async x25519Imported(
      imported: unknown,
      peerPublicKey: Uint8Array,
      failureCode: CryptoErrorCode,
    ): Promise<Uint8Array> {
      if (
        !(imported instanceof nodeCrypto.KeyObject) ||
        imported.type !== 'private' ||
        imported.asymmetricKeyType !== 'x25519'
      ) {
        throw new CryptoError('BAD_KEY', 'the imported X25519 key was not made by these primitives');
      }
      try {
        // The peer value is a fresh ephemeral (a wrap's ct_X): imported for this exchange, not kept.
        const publicKey = rawPublic(peerPublicKey, 'x25519');
        return copy(nodeCrypto.diffieHellman({ privateKey: imported, publicKey }));
      } catch (cause) {
        // RFC 7748 §6.1: OpenSSL refuses the all-zero output of a low-order peer value.
        throw new CryptoError(
          failureCode,
          'X25519 produced no usable shared secret (low-order public value?)',
          { cause },
        );
      }
    },

    sha3_256: (message: Uint8Array): Uint8Array =>
      copy(nodeCrypto.createHash('sha3-256').update(message).digest()),

    // RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM), an absent salt being HashLen zeros (HMAC pads a
    // short key with zeros, so the empty key is that key already).
    hkdfSha256Extract: (salt: Uint8Array, ikm: Uint8Array): Uint8Array => hmacSha256(saltKey(salt), [ikm]),

    // RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) || info || i), OKM = the first L bytes of T(1) || T(2) …
    hkdfSha256Expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      const key = nodeCrypto.createSecretKey(prk);
      const okm = new Uint8Array(length);
      // T(0) is empty, so T(1) = HMAC-Hash(PRK, info || 0x01): one HMAC for a wrap's every expand.
      let previous: Uint8Array | undefined;
      for (let i = 1, at = 0; at < length; i++, at += SHA256_LENGTH) {
        const counter = Uint8Array.of(i);
        const block = hmacSha256(key, previous ? [previous, info, counter] : [info, counter]);
        okm.set(block.subarray(0, Math.min(SHA256_LENGTH, length - at)), at);
        previous?.fill(0);
        previous = block;
      }
      previous?.fill(0);
      return okm;
    },

    async aesGcmImportKey(key: Uint8Array): Promise<unknown> {
      return nodeCrypto.createSecretKey(key);
    },

    aesGcmKeyLength(key: unknown): number | undefined {
      return key instanceof nodeCrypto.KeyObject && key.type === 'secret' ? key.symmetricKeySize : undefined;
    },

    async aesGcmSeal(
      key: unknown,
      nonce: Uint8Array,
      aad: Uint8Array,
      plaintext: Uint8Array,
    ): Promise<Uint8Array> {
      const secret = key as nodeCrypto.KeyObject;
      const cipher = nodeCrypto.createCipheriv(gcmOf(secret), secret, nonce, {
        authTagLength: 16,
      });
      cipher.setAAD(aad);
      return concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
    },

    async aesGcmOpen(
      key: unknown,
      nonce: Uint8Array,
      aad: Uint8Array,
      ciphertext: Uint8Array,
    ): Promise<Uint8Array> {
      const secret = key as nodeCrypto.KeyObject;
      const body = ciphertext.subarray(0, ciphertext.length - 16);
      try {
        const decipher = nodeCrypto.createDecipheriv(gcmOf(secret), secret, nonce, {
          authTagLength: 16,
        });
        decipher.setAAD(aad);
        decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
        return concatBytes(decipher.update(body), decipher.final());
      } catch (cause) {
        throw new CryptoError('OPEN_FAILED', 'AES-GCM authentication failed: wrong key, or altered data', {
          cause,
        });
      }
    },
  });
}

function kemApi(): KemApi | undefined {
  const api: unknown = nodeCrypto;
  const encapsulate: unknown = Reflect.get(api as object, 'encapsulate');
  const decapsulate: unknown = Reflect.get(api as object, 'decapsulate');
  if (typeof encapsulate !== 'function' || typeof decapsulate !== 'function') return undefined;
  return api as KemApi;
}

/**
 * Node's native primitives, or undefined when this runtime lacks one of them (before Node 24.7,
 * or an OpenSSL without ML-KEM). Each primitive runs once on fixed inputs as the check.
 */
export async function nodePrimitives(): Promise<Primitives | undefined> {
  const kem = kemApi();
  if (kem === undefined) return undefined;
  const primitives = makePrimitives(kem);
  try {
    const pair = await primitives.mlKem768Keygen(new Uint8Array(ML_KEM_SEED_LENGTH));
    const { cipherText, sharedSecret } = await primitives.mlKem768Encapsulate(pair.publicKey);
    const opened = await primitives.mlKem768Decapsulate(cipherText, pair.secretKey);
    const peer = exportRawPublic(nodeCrypto.generateKeyPairSync('x25519').publicKey);
    await primitives.x25519Ephemeral(peer, 'UNSUPPORTED');
    primitives.sha3_256(opened);
    primitives.hkdfSha256Expand(primitives.hkdfSha256Extract(opened, sharedSecret), opened, 64);
    const aes = await primitives.aesGcmImportKey(new Uint8Array(32));
    await primitives.aesGcmSeal(aes, new Uint8Array(12), opened, sharedSecret);
    return opened.every((b, i) => b === sharedSecret[i]) ? primitives : undefined;
  } catch {
    return undefined;
  }
}
