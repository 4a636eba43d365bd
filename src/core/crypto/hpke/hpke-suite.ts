/**
 * An HPKE ciphersuite (RFC 9180 §4): one KEM, one KDF, one AEAD. Suites are built only from the
 * KEMs and AEADs this folder's classes make (over any `Primitives`) and its KDF, so a suite that
 * arrives as an argument is checked by brand and identity: no caller can slip in a look-alike.
 */

import type { Aead } from './aead.ts';
import { AesGcm } from './aes-gcm.ts';
import { CryptoError } from './crypto-error.ts';
import { DhkemX25519Kem } from './dhkem-x25519.ts';
import { HkdfSha256Kdf } from './hkdf-sha256.ts';
import { ownValue } from './input-checks.ts';
import type { Kdf } from './kdf.ts';
import type { Kem, KemPrivateKey } from './kem.ts';
import { hpkeSuiteId, labeledExtract } from './labeled-kdf.ts';
import { XWingKem } from './x-wing.ts';

export interface HpkeSuite<P extends KemPrivateKey = KemPrivateKey> {
  readonly kind: 'HpkeSuite';
  readonly kem: Kem<P>;
  readonly kdf: Kdf;
  readonly aead: Aead;
  /** RFC 9180 §5.1 suite_id = "HPKE" || kem_id || kdf_id || aead_id (10 bytes). */
  readonly suiteId: Uint8Array;
  /** e.g. "X-Wing (ML-KEM-768 + X25519), HKDF-SHA256, AES-256-GCM". */
  readonly name: string;
}

/** Built by this folder's classes (their private-field brand), on whichever primitives. */
const isKnownKem = (kem: unknown): boolean => XWingKem.is(kem) || DhkemX25519Kem.is(kem);
const isKnownAead = (aead: unknown): boolean => AesGcm.is(aead);

/** A suite made by `hpkeSuite`; the private field is the brand `checkSuite` trusts without rebuilding. */
class Suite<P extends KemPrivateKey> implements HpkeSuite<P> {
  readonly #suiteId: Uint8Array;
  /**
   * RFC 9180 §5.1 psk_id_hash = LabeledExtract("", "psk_id_hash", psk_id) of base mode, whose
   * psk_id is the empty string: one value per suite, which every wrap's key schedule would
   * otherwise compute again.
   */
  readonly #basePskIdHash: Uint8Array;
  readonly kind = 'HpkeSuite';
  readonly name: string;

  constructor(
    readonly kem: Kem<P>,
    readonly kdf: Kdf,
    readonly aead: Aead,
  ) {
    this.#suiteId = hpkeSuiteId(kem.id, kdf.id, aead.id);
    this.#basePskIdHash = labeledExtract(kdf, this.#suiteId, EMPTY, 'psk_id_hash', EMPTY);
    this.name = `${kem.name}, ${kdf.name}, ${aead.name}`;
    Object.freeze(this);
  }

  /** A copy: the suite is shared, so no caller may change the bytes the next wrap reads. */
  get suiteId(): Uint8Array {
    return this.#suiteId.slice();
  }

  static is<P extends KemPrivateKey>(value: unknown): value is Suite<P> {
    return typeof value === 'object' && value !== null && #suiteId in value;
  }

  static basePskIdHash(suite: Suite<KemPrivateKey>): Uint8Array {
    return suite.#basePskIdHash.slice();
  }
}

const EMPTY = new Uint8Array(0);

/** RFC 9180 §5.1 psk_id_hash of mode_base (empty psk_id) for `suite`, computed when it was built. */
export function basePskIdHash(suite: HpkeSuite): Uint8Array {
  return Suite.basePskIdHash(checkSuite(suite) as Suite<KemPrivateKey>);
}

export function hpkeSuite<P extends KemPrivateKey>(kem: Kem<P>, kdf: Kdf, aead: Aead): HpkeSuite<P> {
  if (!isKnownKem(kem) || !HkdfSha256Kdf.is(kdf) || !isKnownAead(aead)) {
    throw new CryptoError(
      'UNSUPPORTED',
      'an HPKE suite must be built from the KEMs, KDFs and AEADs of core/crypto/hpke',
    );
  }
  return new Suite(kem, kdf, aead);
}

/** Checks that `value` is a suite made by `hpkeSuite` from known primitives. */
export function checkSuite<P extends KemPrivateKey>(value: HpkeSuite<P>): HpkeSuite<P> {
  // Runs several times per wrap: a suite from hpkeSuite (frozen, parts checked) passes at once.
  if (Suite.is<P>(value)) return value;
  const candidate: unknown = value;
  if (typeof candidate !== 'object' || candidate === null || ownValue(candidate, 'kind') !== 'HpkeSuite') {
    throw new CryptoError('BAD_ARGUMENT', 'suite must be an HpkeSuite such as VALISE_SUITE_XWING');
  }
  const kem = ownValue(candidate, 'kem');
  const kdf = ownValue(candidate, 'kdf');
  const aead = ownValue(candidate, 'aead');
  if (!isKnownKem(kem) || !HkdfSha256Kdf.is(kdf) || !isKnownAead(aead)) {
    throw new CryptoError(
      'BAD_ARGUMENT',
      'suite must be built by hpkeSuite() from the primitives of core/crypto/hpke',
    );
  }
  return hpkeSuite(kem as Kem<P>, kdf as Kdf, aead as Aead);
}
