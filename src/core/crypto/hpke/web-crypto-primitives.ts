/**
 * WebCrypto's own ML-KEM-768 where the platform has it (Chromium, Node ≥ 24.7: the
 * `encapsulateBits` method of the WICG "Modern Algorithms in WebCrypto" draft), noble's
 * everywhere else. Only encapsulation moves to WebCrypto: it is the per-device cost of sealing,
 * and WebCrypto imports an encapsulation key from its raw bytes. Decapsulation and key
 * generation stay on noble, because Valise keeps the expanded FIPS 203 decapsulation key
 * (a non-extractable key has no seed) and WebCrypto imports ML-KEM private keys only from a seed.
 *
 * The method is feature-detected on every call, so nothing is cached: a platform that names
 * the method but refuses the algorithm (NotSupportedError) falls back to noble for that call.
 */
import { CryptoError } from './crypto-error.ts';
import { NOBLE_PRIMITIVES } from './noble-primitives.ts';
import type { MlKemEncapsulation, Primitives } from './primitives.ts';
import { bufferSource, subtle } from './web-crypto.ts';

const ALGORITHM = { name: 'ML-KEM-768' } as const;

/** The slice of SubtleCrypto that the WICG draft adds; absent from the DOM typings we build with. */
interface KemSubtle {
  importKey(
    format: 'raw-public',
    keyData: Uint8Array<ArrayBuffer>,
    algorithm: typeof ALGORITHM,
    extractable: boolean,
    usages: readonly string[],
  ): Promise<CryptoKey>;
  encapsulateBits(
    algorithm: typeof ALGORITHM,
    encapsulationKey: CryptoKey,
  ): Promise<{ readonly ciphertext: ArrayBuffer; readonly sharedKey: ArrayBuffer }>;
}

function kemSubtle(): KemSubtle | undefined {
  const candidate: unknown = subtle();
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  return typeof Reflect.get(candidate, 'encapsulateBits') === 'function'
    ? (candidate as KemSubtle)
    : undefined;
}

const nameOf = (cause: unknown): unknown =>
  typeof cause === 'object' && cause !== null ? Reflect.get(cause, 'name') : undefined;

/** True when this platform's WebCrypto names ML-KEM's `encapsulateBits`. */
export function hasWebCryptoMlKem(): boolean {
  return kemSubtle() !== undefined;
}

export const WEB_CRYPTO_PRIMITIVES: Primitives = Object.freeze({
  ...NOBLE_PRIMITIVES,
  name: 'WebCrypto ML-KEM (noble where absent) + WebCrypto X25519, AES-GCM',

  async mlKem768Encapsulate(publicKey: Uint8Array): Promise<MlKemEncapsulation> {
    const kem = kemSubtle();
    if (kem === undefined) return NOBLE_PRIMITIVES.mlKem768Encapsulate(publicKey);
    let key: CryptoKey;
    try {
      // The raw-public import runs the FIPS 203 §7.2 encapsulation key check.
      key = await kem.importKey('raw-public', bufferSource(publicKey), ALGORITHM, true, ['encapsulateBits']);
    } catch (cause) {
      if (nameOf(cause) === 'NotSupportedError') return NOBLE_PRIMITIVES.mlKem768Encapsulate(publicKey);
      throw new CryptoError(
        'BAD_KEY',
        'publicKey fails the ML-KEM-768 encapsulation key check (FIPS 203 §7.2)',
        {
          cause,
        },
      );
    }
    const { ciphertext, sharedKey } = await kem.encapsulateBits(ALGORITHM, key);
    return { cipherText: new Uint8Array(ciphertext), sharedSecret: new Uint8Array(sharedKey) };
  },
});
