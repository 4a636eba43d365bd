/**
 * Access to WebCrypto (`globalThis.crypto.subtle`, native in Node and browsers) and the one
 * typing bridge it needs: WebCrypto takes ArrayBuffer-backed bytes, while noble and our helpers
 * return `Uint8Array<ArrayBufferLike>`. No `any`, no cast: bytes already on an ArrayBuffer pass
 * through, anything else (a SharedArrayBuffer view) is copied.
 */
import { CryptoError } from './crypto-error.ts';
import { describe, isBytes } from './input-checks.ts';

export function subtle(): SubtleCrypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto?.subtle === undefined) {
    throw new CryptoError(
      'UNSUPPORTED',
      'WebCrypto (crypto.subtle) is not available; use a secure context or Node 20+',
    );
  }
  return crypto.subtle;
}

function isArrayBufferBacked(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer;
}

export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (!isBytes(bytes)) throw new CryptoError('BAD_ARGUMENT', `expected a Uint8Array, got ${describe(bytes)}`);
  return isArrayBufferBacked(bytes) ? bytes : new Uint8Array(bytes);
}

export interface CryptoKeyFacts {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: string;
  readonly usages: readonly string[];
  /** algorithm.length, for AES keys. */
  readonly keyBits: number | undefined;
}

// The CryptoKey class and its prototype getters as the platform defined them, read once (as
// input-checks.ts reads the typed-array getters): every key check of every wrap reads them.
// A CryptoKey installed after this module loads (a polyfill) is never seen: on such a
// platform no key passes the check, which fails closed.
const CryptoKeyClass = (globalThis as { CryptoKey?: typeof CryptoKey }).CryptoKey;
const getters =
  CryptoKeyClass === undefined ? undefined : Object.getOwnPropertyDescriptors(CryptoKeyClass.prototype);

/**
 * Reads a WebCrypto key's facts through the CryptoKey prototype getters, which check the internal
 * slots: a look-alike object, a Proxy or a real key with forged own properties gives `undefined`.
 */
export function cryptoKeyFacts(value: unknown): CryptoKeyFacts | undefined {
  if (CryptoKeyClass === undefined || getters === undefined) return undefined;
  try {
    if (!(value instanceof CryptoKeyClass)) return undefined;
    const type: unknown = getters.type?.get?.call(value);
    const extractable: unknown = getters.extractable?.get?.call(value);
    const algorithm: unknown = getters.algorithm?.get?.call(value);
    const usages: unknown = getters.usages?.get?.call(value);
    const name: unknown =
      typeof algorithm === 'object' && algorithm !== null ? Reflect.get(algorithm, 'name') : undefined;
    if (typeof type !== 'string' || typeof extractable !== 'boolean' || typeof name !== 'string')
      return undefined;
    if (!Array.isArray(usages) || !usages.every((usage) => typeof usage === 'string')) return undefined;
    const keyBits: unknown =
      typeof algorithm === 'object' && algorithm !== null ? Reflect.get(algorithm, 'length') : undefined;
    return {
      type,
      extractable,
      algorithm: name,
      usages: [...usages],
      keyBits: typeof keyBits === 'number' ? keyBits : undefined,
    };
  } catch {
    return undefined;
  }
}
