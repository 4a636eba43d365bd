/**
 * The one Ed25519 module: every Ed25519 key, signature and check in core goes through here,
 * through WebCrypto, so a signing key can stay a non-extractable CryptoKey. Two layers:
 * - the raw operations (`signEd25519`, `verifyEd25519`, the key checks), which the signed
 *   notes of the log use as C2SP prescribes them;
 * - labelled signatures over `label || 0x00 || message` (see labels.ts) for everything
 *   else: the same key can never be tricked into signing one kind of object as another.
 *
 * Arguments are checked first (noble's `abytes`), with the strictest key check for all: a
 * private key is read through the CryptoKey getters (a look-alike or a Proxy is refused) and
 * must be an Ed25519 private key allowed to sign; a public key is exactly 32 bytes. A wrong
 * argument is a CryptoError naming it; a verifier answers false for anything malformed.
 */
import { concatBytes, fromBase64url, utf8 } from '../encoding/bytes.ts';
import { CryptoError } from './hpke/crypto-error.ts';
import { describe, isBytes, requireBoolean, requireBytes } from './hpke/input-checks.ts';
import { cryptoKeyFacts } from './hpke/web-crypto.ts';

/** Anything that can sign with an Ed25519 key it keeps to itself. */
export interface Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

const ED25519 = { name: 'Ed25519' } as const;

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
const SIGNATURE_BYTES = ED25519_SIGNATURE_BYTES;

/** WebCrypto wants ArrayBuffer-backed views; copying also detaches us from the caller's buffer. */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}

/** An Ed25519 private CryptoKey allowed to sign, read through the CryptoKey getters. */
export function isEd25519SigningKey(value: unknown): value is CryptoKey {
  const facts = cryptoKeyFacts(value);
  return facts?.type === 'private' && facts.algorithm === 'Ed25519' && facts.usages.includes('sign');
}

/** A raw Ed25519 public key (RFC 8032): exactly 32 bytes. */
export function isEd25519PublicKey(value: unknown): value is Uint8Array {
  return isBytes(value) && value.length === ED25519_PUBLIC_KEY_BYTES;
}

function requireSigningKey(privateKey: unknown, name: string): CryptoKey {
  if (!isEd25519SigningKey(privateKey)) {
    throw new CryptoError('BAD_KEY', `${name} must be an Ed25519 private CryptoKey that may sign`);
  }
  return privateKey;
}

/** A raw Ed25519 signature (RFC 8032) over `message`. */
export async function signEd25519(privateKey: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  const key = requireSigningKey(privateKey, 'privateKey');
  const data = requireBytes(message, 'message');
  return new Uint8Array(await globalThis.crypto.subtle.sign(ED25519, key, buffer(data)));
}

/**
 * Imports a raw public key for verifying, once (a verifier that checks many signatures keeps
 * the promise). The promise rejects for anything but a 32-byte key WebCrypto accepts.
 */
export async function importEd25519PublicKey(publicKey: Uint8Array): Promise<CryptoKey> {
  if (!isEd25519PublicKey(publicKey))
    throw new CryptoError('BAD_KEY', 'publicKey must be 32 bytes (RFC 8032)');
  return globalThis.crypto.subtle.importKey('raw', buffer(publicKey), ED25519, false, ['verify']);
}

/** Verifies a raw Ed25519 signature. Returns false for anything malformed; never throws. */
export async function verifyEd25519(
  publicKey: Uint8Array | Promise<CryptoKey>,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (!isBytes(signature) || signature.length !== SIGNATURE_BYTES || !isBytes(message)) return false;
  try {
    const key = publicKey instanceof Promise ? await publicKey : await importEd25519PublicKey(publicKey);
    return await globalThis.crypto.subtle.verify(ED25519, key, buffer(signature), buffer(message));
  } catch {
    return false;
  }
}

/** Makes a fresh key pair; `extractable` only for the CLI key file and tests. */
export async function generateSigner(
  extractable = false,
): Promise<Signer & { readonly privateKey: CryptoKey }> {
  requireBoolean(extractable, 'extractable');
  const pair = (await globalThis.crypto.subtle.generateKey(ED25519, extractable, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await globalThis.crypto.subtle.exportKey('raw', pair.publicKey));
  return signerFromKey(pair.privateKey, publicKey);
}

export function signerFromKey(
  privateKey: CryptoKey,
  publicKey: Uint8Array,
): Signer & { readonly privateKey: CryptoKey } {
  requireSigningKey(privateKey, 'privateKey');
  requireBytes(publicKey, 'publicKey', { length: 32, code: 'BAD_KEY' });
  return {
    publicKey,
    privateKey,
    sign: (message) => signEd25519(privateKey, message),
  };
}

// RFC 8410 §7: PrivateKeyInfo, DER, before the 32-byte seed, part by part.
const PKCS8_ED25519_PREFIX = concatBytes(
  Uint8Array.of(0x30, 0x2e), // SEQUENCE, 46 bytes
  Uint8Array.of(0x02, 0x01, 0x00), // version v1
  Uint8Array.of(0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70), // AlgorithmIdentifier id-Ed25519 (1.3.101.112)
  Uint8Array.of(0x04, 0x22, 0x04, 0x20), // OCTET STRING { CurvePrivateKey OCTET STRING (32) }
);

/** Imports a 32-byte Ed25519 seed (RFC 8032 private key) as a signer. */
export async function signerFromSeed(
  seed: Uint8Array,
  extractable = false,
): Promise<Signer & { readonly privateKey: CryptoKey }> {
  requireBytes(seed, 'seed', { length: 32, code: 'BAD_KEY' });
  requireBoolean(extractable, 'extractable');
  const pkcs8 = concatBytes(PKCS8_ED25519_PREFIX, seed);
  const privateKey = await globalThis.crypto.subtle.importKey('pkcs8', buffer(pkcs8), ED25519, true, [
    'sign',
  ]);
  // The JWK of an Ed25519 private key carries its public key as `x` (RFC 8037 §2).
  const jwk = await globalThis.crypto.subtle.exportKey('jwk', privateKey);
  const publicKey = fromBase64url(jwk.x ?? '');
  if (publicKey?.length !== 32)
    throw new CryptoError('BAD_KEY', 'the Ed25519 seed did not yield a public key');
  const finalKey = extractable
    ? privateKey
    : await globalThis.crypto.subtle.importKey('pkcs8', buffer(pkcs8), ED25519, false, ['sign']);
  return signerFromKey(finalKey, publicKey);
}

/** Exports the 32-byte seed of an extractable signer (for the CLI key file). */
export async function exportSeed(privateKey: CryptoKey): Promise<Uint8Array> {
  requireSigningKey(privateKey, 'privateKey');
  if (cryptoKeyFacts(privateKey)?.extractable !== true) {
    throw new CryptoError(
      'NOT_EXTRACTABLE',
      'privateKey was made non-extractable; its seed cannot be exported',
    );
  }
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', privateKey));
  return pkcs8.slice(PKCS8_ED25519_PREFIX.length);
}

function labelled(label: string, message: Uint8Array): Uint8Array {
  return concatBytes(utf8(label), Uint8Array.of(0), message);
}

export async function signLabelled(signer: Signer, label: string, message: Uint8Array): Promise<Uint8Array> {
  if (typeof signer !== 'object' || signer === null || typeof signer.sign !== 'function') {
    throw new CryptoError('BAD_ARGUMENT', `signer must have a sign method, got ${describe(signer)}`);
  }
  if (typeof label !== 'string') {
    throw new CryptoError('BAD_ARGUMENT', `label must be a string, got ${describe(label)}`);
  }
  const signature: unknown = await signer.sign(labelled(label, requireBytes(message, 'message')));
  if (!isBytes(signature) || signature.length !== SIGNATURE_BYTES) {
    throw new CryptoError('BAD_ARGUMENT', `signer returned ${describe(signature)}, not a 64-byte signature`);
  }
  return signature;
}

/** Verifies a labelled signature. Returns false for anything malformed; never throws. */
export async function verifyLabelled(
  publicKey: Uint8Array,
  label: string,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (!isEd25519PublicKey(publicKey) || !isBytes(message) || typeof label !== 'string') return false;
  return verifyEd25519(publicKey, labelled(label, message), signature);
}
