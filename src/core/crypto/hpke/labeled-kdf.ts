/**
 * LabeledExtract and LabeledExpand (RFC 9180 §4): every KDF call of HPKE is prefixed with the
 * version label and a suite id, so a value derived for one purpose or suite can never be
 * mistaken for another (domain separation). The suite id is "KEM" || kem_id inside a KEM and
 * "HPKE" || kem_id || kdf_id || aead_id everywhere else.
 */
import { concatBytes, i2osp, utf8 } from '../../encoding/bytes.ts';
import { CryptoError } from './crypto-error.ts';
import { HkdfSha256Kdf } from './hkdf-sha256.ts';
import { checkBytes, describe, requireInteger } from './input-checks.ts';
import type { Kdf } from './kdf.ts';

const VERSION_LABEL = utf8('HPKE-v1');

/**
 * The labels of RFC 9180 §4–§7 this folder uses, encoded once: a wrap runs eight labelled
 * steps, and encoding the same ASCII each time showed in profiles. Any other label is encoded
 * per call. The bytes are never handed out: callers only concatenate them.
 */
const LABEL_BYTES: ReadonlyMap<string, Uint8Array> = new Map(
  [
    'psk_id_hash',
    'info_hash',
    'secret',
    'key',
    'base_nonce',
    'exp',
    'sec',
    'eae_prk',
    'shared_secret',
    'dkp_prk',
    'sk',
  ].map((label) => [label, utf8(label)]),
);

function labelBytes(label: string): Uint8Array {
  return LABEL_BYTES.get(label) ?? utf8(label);
}

/** RFC 9180 §4.1: suite_id = concat("KEM", I2OSP(kem_id, 2)). */
export function kemSuiteId(kemId: number): Uint8Array {
  return concatBytes(utf8('KEM'), i2osp(requireInteger(kemId, 'kemId', 0, 0xffff), 2));
}

/** RFC 9180 §5.1: suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2)). */
export function hpkeSuiteId(kemId: number, kdfId: number, aeadId: number): Uint8Array {
  return concatBytes(
    utf8('HPKE'),
    i2osp(requireInteger(kemId, 'kemId', 0, 0xffff), 2),
    i2osp(requireInteger(kdfId, 'kdfId', 0, 0xffff), 2),
    i2osp(requireInteger(aeadId, 'aeadId', 0, 0xffff), 2),
  );
}

function checkCall(kdf: Kdf, suiteId: Uint8Array, label: string): Uint8Array {
  if (!HkdfSha256Kdf.is(kdf))
    throw new CryptoError('BAD_ARGUMENT', 'kdf must be one of the KDFs of core/crypto/hpke');
  if (typeof label !== 'string')
    throw new CryptoError('BAD_ARGUMENT', `label must be a string, got ${describe(label)}`);
  // RFC 9180 §4: suite_id is "KEM" || kem_id (5 bytes) or "HPKE" || three ids (10 bytes).
  return checkBytes(suiteId, 'suiteId', { min: 5, max: 10 });
}

export function labeledExtract(
  kdf: Kdf,
  suiteId: Uint8Array,
  salt: Uint8Array,
  label: string,
  ikm: Uint8Array,
): Uint8Array {
  const suite = checkCall(kdf, suiteId, label);
  const input = checkBytes(ikm, 'ikm');
  return kdf.extract(checkBytes(salt, 'salt'), concatBytes(VERSION_LABEL, suite, labelBytes(label), input));
}

export function labeledExpand(
  kdf: Kdf,
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const suite = checkCall(kdf, suiteId, label);
  const context = checkBytes(info, 'info');
  // I2OSP(L, 2) is why L < 65536; HKDF itself stops at 255 * Nh, which is lower.
  const size = requireInteger(length, 'length', 0, 255 * kdf.hashLength);
  return kdf.expand(prk, concatBytes(i2osp(size, 2), VERSION_LABEL, suite, labelBytes(label), context), size);
}
