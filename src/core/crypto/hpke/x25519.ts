/**
 * X25519 (RFC 7748) through WebCrypto, so that a recipient's X25519 private key can live as a
 * non-extractable CryptoKey (docs/design.md §4: stealing key bytes from a browser is not enough).
 * Both KEMs use these five operations; nothing here does curve arithmetic of its own.
 *
 * RFC 7748 §6.1 / RFC 9180 §7.1.4: an all-zero shared secret must be refused. WebCrypto refuses
 * it itself (OperationError), which we turn into the caller's error code.
 */
import { concatBytes } from '../../encoding/bytes.ts';
import { CRYPTO_ERROR_CODES, CryptoError, type CryptoErrorCode } from './crypto-error.ts';
import { requireBoolean, requireBytes } from './input-checks.ts';
import { bufferSource, cryptoKeyFacts, subtle } from './web-crypto.ts';

export const X25519_KEY_LENGTH = 32;

const ALGORITHM = { name: 'X25519' } as const;
// RFC 8410 §7: PrivateKeyInfo { v1, id-X25519 (1.3.101.110), OCTET STRING { OCTET STRING(32) } }.
const PKCS8_PREFIX = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x6e,
  0x04,
  0x22,
  0x04,
  0x20,
);
// RFC 7748 §4.1: the base point u = 9.
const BASE_POINT = Uint8Array.of(9, ...new Uint8Array(31));

export interface X25519KeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
}

function platformError(operation: string, cause: unknown): CryptoError {
  // DOMException is not an Error subclass everywhere: read its name directly.
  const name = typeof cause === 'object' && cause !== null ? Reflect.get(cause, 'name') : undefined;
  if (name === 'NotSupportedError') {
    return new CryptoError('UNSUPPORTED', `this platform's WebCrypto has no X25519 (${operation})`, {
      cause,
    });
  }
  return new CryptoError('BAD_KEY', `X25519 ${operation} failed`, { cause });
}

/** Checks that `value` is an X25519 private CryptoKey that may derive bits. */
export function requireX25519PrivateKey(value: unknown, name: string): CryptoKey {
  const facts = cryptoKeyFacts(value);
  if (facts?.type !== 'private' || facts.algorithm !== 'X25519' || !facts.usages.includes('deriveBits')) {
    const label = typeof name === 'string' ? name : 'privateKey';
    throw new CryptoError('BAD_KEY', `${label} must be an X25519 private CryptoKey usable for deriveBits`);
  }
  return value as CryptoKey;
}

/** A fresh key pair made by WebCrypto: the private scalar never exists as JavaScript bytes. */
export async function generateX25519(extractable: boolean): Promise<X25519KeyPair> {
  const exportable = requireBoolean(extractable, 'extractable');
  let pair: CryptoKeyPair;
  try {
    pair = (await subtle().generateKey(ALGORITHM, exportable, ['deriveBits'])) as CryptoKeyPair;
  } catch (cause) {
    throw platformError('key generation', cause);
  }
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

/** Imports a 32-byte private scalar (RFC 7748 clamping is applied by X25519 itself). */
export async function importX25519(scalar: Uint8Array, extractable: boolean): Promise<X25519KeyPair> {
  const bytes = requireBytes(scalar, 'scalar', { length: X25519_KEY_LENGTH, code: 'BAD_KEY' });
  const exportable = requireBoolean(extractable, 'extractable');
  let privateKey: CryptoKey;
  const pkcs8 = bufferSource(concatBytes(PKCS8_PREFIX, bytes));
  try {
    privateKey = await subtle().importKey('pkcs8', pkcs8, ALGORITHM, exportable, ['deriveBits']);
  } catch (cause) {
    throw platformError('private key import', cause);
  } finally {
    pkcs8.fill(0);
    bytes.fill(0);
  }
  const publicKey = await x25519(privateKey, BASE_POINT, 'BAD_KEY');
  return { privateKey, publicKey };
}

/** The 32-byte private scalar of an extractable key. */
export async function exportX25519(privateKey: CryptoKey): Promise<Uint8Array> {
  requireX25519PrivateKey(privateKey, 'privateKey');
  if (cryptoKeyFacts(privateKey)?.extractable !== true) {
    throw new CryptoError(
      'NOT_EXTRACTABLE',
      'this X25519 private key is non-extractable; it cannot be written out',
    );
  }
  const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', privateKey));
  const prefix = pkcs8.subarray(0, PKCS8_PREFIX.length);
  if (
    pkcs8.length !== PKCS8_PREFIX.length + X25519_KEY_LENGTH ||
    prefix.some((b, i) => b !== PKCS8_PREFIX[i])
  ) {
    throw new CryptoError('UNSUPPORTED', 'WebCrypto exported an X25519 key in an unexpected PKCS#8 form');
  }
  return pkcs8.slice(PKCS8_PREFIX.length);
}

/** X25519(k, u): the shared secret, or `failureCode` if WebCrypto refuses (e.g. all-zero output). */
export async function x25519(
  privateKey: CryptoKey,
  peerPublicKey: Uint8Array,
  failureCode: CryptoErrorCode,
): Promise<Uint8Array> {
  if (!CRYPTO_ERROR_CODES.includes(failureCode)) {
    throw new CryptoError('BAD_ARGUMENT', 'failureCode must be one of CRYPTO_ERROR_CODES');
  }
  const key = requireX25519PrivateKey(privateKey, 'privateKey');
  const peerBytes = requireBytes(peerPublicKey, 'peerPublicKey', {
    length: X25519_KEY_LENGTH,
    code: failureCode,
  });
  let peer: CryptoKey;
  try {
    peer = await subtle().importKey('raw', peerBytes, ALGORITHM, true, []);
  } catch (cause) {
    const error = platformError('public key import', cause);
    throw error.code === 'UNSUPPORTED'
      ? error
      : new CryptoError(failureCode, 'X25519 public value rejected', { cause });
  }
  try {
    return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: peer }, key, 256));
  } catch (cause) {
    // RFC 7748 §6.1: a low-order peer value gives the all-zero secret, which WebCrypto refuses.
    throw new CryptoError(failureCode, 'X25519 produced no usable shared secret (low-order public value?)', {
      cause,
    });
  }
}
