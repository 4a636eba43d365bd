/**
 * A key file encrypted at rest under a passphrase (docs/design.md §5, "Keys on disk"), the way
 * `age`'s scrypt recipient and OpenSSH's new key format do it, so a copy of the file is not the
 * device. Decisions:
 * - KDF: scrypt (RFC 7914, node:crypto's native implementation), r = 8, p = 1, N = 2^18 by
 *   default: 256 MiB and about a second of one core per unlock, as `age` chooses. The work
 *   factor is written in the file (`logN`), so a file made with a lower one (tests, through an
 *   explicit option) still opens; a reader accepts 10 ≤ logN ≤ 20 (at most 1 GiB).
 * - The scrypt salt is the label `valise/v1/key-file`, a zero byte and 16 random bytes, as
 *   `age` prefixes its own label: a key derived for this purpose is never valid for another.
 * - AEAD: AES-256-GCM with a random 96-bit nonce. Its associated data is the canonical header
 *   (version, kind, KDF, work factor, salt, nonce), so a header edit fails like a wrong passphrase.
 * - The passphrase is NFC-normalised UTF-8. A failed tag means a wrong passphrase or a
 *   damaged file; the two cannot be told apart, and the message says both.
 * A derived key is kept in memory by its owner (FileKeyStore) for the life of the process, so
 * one command pays for scrypt once per file; nothing derived ever goes to disk.
 */
import { createCipheriv, createDecipheriv, scrypt } from 'node:crypto';
import { LABELS } from '../core/crypto/labels.ts';
import { concatBytes, randomBytes, utf8 } from '../core/encoding/bytes.ts';
import { encodeCanonical } from '../core/encoding/canonical-json.ts';
import { bytes, type Infer, integer, literal, object } from '../core/encoding/decode.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import { ClientError } from './client-error.ts';

/** log2 of scrypt's N for new key files: age's default. */
export const DEFAULT_KEY_FILE_WORK_FACTOR = 18;
export const MIN_KEY_FILE_WORK_FACTOR = 10;
export const MAX_KEY_FILE_WORK_FACTOR = 20;
/** A new passphrase shorter than this is refused (OWASP ASVS 5.0 6.2.1). */
export const MIN_PASSPHRASE_LENGTH = 8;

const SCRYPT_R = 8;
const SCRYPT_P = 1;
const TAG_BYTES = 16;

export const decodeSealedKeyFile = object({
  v: literal(1),
  kind: literal('valise-sealed-key-file'),
  kdf: literal('scrypt'),
  logN: integer({ min: MIN_KEY_FILE_WORK_FACTOR, max: MAX_KEY_FILE_WORK_FACTOR }),
  salt: bytes({ length: 16 }),
  aead: literal('AES-256-GCM'),
  nonce: bytes({ length: 12 }),
  ciphertext: bytes({ min: TAG_BYTES + 1, max: 4 * 1024 * 1024 }),
});
export type SealedKeyFile = Infer<typeof decodeSealedKeyFile>;

/** A key derived from a passphrase for one salt and work factor. */
export interface KeyFileKey {
  readonly salt: Uint8Array;
  readonly logN: number;
  readonly key: Uint8Array;
}

/** Runs scrypt for this passphrase and salt (a fresh salt when none is given). */
export async function deriveKeyFileKey(
  passphrase: string,
  logN: number,
  salt: Uint8Array = randomBytes(16),
): Promise<KeyFileKey> {
  if (!Number.isInteger(logN) || logN < MIN_KEY_FILE_WORK_FACTOR || logN > MAX_KEY_FILE_WORK_FACTOR) {
    throw new ClientError(
      'INVALID_ARGUMENT',
      `the key file work factor must be ${MIN_KEY_FILE_WORK_FACTOR} to ${MAX_KEY_FILE_WORK_FACTOR}`,
    );
  }
  const N = 2 ** logN;
  const password = utf8(passphrase.normalize('NFC'));
  const scryptSalt = concatBytes(utf8(LABELS.keyFile), Uint8Array.of(0), salt);
  return new Promise((done, fail) => {
    // scrypt needs 128·N·r bytes; maxmem must allow it (node's default is 32 MiB).
    scrypt(
      password,
      scryptSalt,
      32,
      { N, r: SCRYPT_R, p: SCRYPT_P, maxmem: 2 * 128 * N * SCRYPT_R },
      (error, key) => {
        if (error)
          fail(new ClientError('LOCAL_IO_FAILED', `scrypt failed: ${error.message}`, { cause: error }));
        else done({ salt, logN, key: new Uint8Array(key) });
      },
    );
  });
}

/** The associated data: every header field, canonically encoded. */
function headerBytes(file: Omit<SealedKeyFile, 'ciphertext'>): Uint8Array {
  const { v, kind, kdf, logN, salt, aead, nonce } = file;
  return encodeCanonical(toJsonValue({ v, kind, kdf, logN, salt, aead, nonce }));
}

export function sealKeyFile(plaintext: Uint8Array, key: KeyFileKey): SealedKeyFile {
  const header = {
    v: 1,
    kind: 'valise-sealed-key-file',
    kdf: 'scrypt',
    logN: key.logN,
    salt: key.salt,
    aead: 'AES-256-GCM',
    nonce: randomBytes(12),
  } as const;
  const cipher = createCipheriv('aes-256-gcm', key.key, header.nonce);
  cipher.setAAD(headerBytes(header));
  const ciphertext = concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
  return { ...header, ciphertext };
}

/** The plaintext, or PASSPHRASE_WRONG when the tag does not verify. */
export function openKeyFile(file: SealedKeyFile, key: KeyFileKey, path: string): Uint8Array {
  const body = file.ciphertext.subarray(0, file.ciphertext.length - TAG_BYTES);
  const tag = file.ciphertext.subarray(file.ciphertext.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.key, file.nonce);
  decipher.setAAD(headerBytes(file));
  decipher.setAuthTag(tag);
  try {
    return concatBytes(decipher.update(body), decipher.final());
  } catch (cause) {
    throw new ClientError(
      'PASSPHRASE_WRONG',
      `wrong passphrase for ${path} (or the file was altered); try again, or restore the file from a backup`,
      { cause },
    );
  }
}

/** Whether `data` is an encrypted key file (by its kind alone; opening it checks the rest). */
export function isSealedKeyFile(data: Uint8Array): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(data));
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { kind?: unknown }).kind === 'valise-sealed-key-file'
    );
  } catch {
    return false;
  }
}
