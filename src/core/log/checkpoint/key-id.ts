/**
 * Key IDs of signed-note keys (C2SP signed-note): the first four bytes, big-endian, of
 * SHA-256(key name || 0x0A || signature type || public key). The type byte separates an
 * Ed25519 note key (0x01) from an Ed25519 cosignature key (0x04, C2SP tlog-cosignature),
 * so a signature of one kind is never mistaken for the other.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES } from '../../crypto/ed25519.ts';
import { concatBytes, uint32At, utf8 } from '../../encoding/bytes.ts';
import { CheckpointError } from './checkpoint-error.ts';

export const SIGNATURE_TYPES = {
  /** C2SP signed-note: Ed25519 over the note text. */
  ed25519: 0x01,
  /** C2SP tlog-cosignature: timestamped Ed25519 witness cosignature (cosignature/v1). */
  cosignatureV1: 0x04,
} as const;

export type SignatureType = (typeof SIGNATURE_TYPES)[keyof typeof SIGNATURE_TYPES];

/** The sizes of the one Ed25519 module, under the names the note code reads. */
export const ED25519_PUBLIC_KEY_SIZE = ED25519_PUBLIC_KEY_BYTES;
export const ED25519_SIGNATURE_SIZE = ED25519_SIGNATURE_BYTES;

/** key ID = SHA-256(key name || 0x0A || type || public key)[:4], as a uint32. */
export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  if (
    typeof name !== 'string' ||
    !Object.values(SIGNATURE_TYPES).includes(type) ||
    !(publicKey instanceof Uint8Array)
  ) {
    throw new CheckpointError(
      'INVALID_KEY',
      'keyId needs a key name, a known signature type and public key bytes',
    );
  }
  const digest = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), publicKey));
  return uint32At(digest, 0);
}

/** The four big-endian bytes of a uint32 key ID. */
export function keyIdBytes(id: number): Uint8Array {
  return Uint8Array.of((id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
}

export function isKeyId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}
