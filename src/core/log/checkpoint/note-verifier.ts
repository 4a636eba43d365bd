/**
 * Who checks note signatures: a pinned (name, public key) pair for one signature type.
 * `verify` gets the note text and the signature bytes after the key ID, and returns false
 * for anything that does not verify; it never throws.
 */

import { importEd25519PublicKey, isEd25519PublicKey, verifyEd25519 } from '../../crypto/ed25519.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { cosignatureMessage, TIMESTAMP_SIZE } from './cosignature-message.ts';
import { ED25519_SIGNATURE_SIZE, keyId, SIGNATURE_TYPES, type SignatureType } from './key-id.ts';
import { checkKeyName } from './note-text.ts';

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  verify(text: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

function checkedKey(name: string, publicKey: Uint8Array): Uint8Array {
  checkKeyName(name);
  if (!isEd25519PublicKey(publicKey)) {
    throw new CheckpointError('INVALID_KEY', 'an Ed25519 public key is 32 bytes (RFC 8032)');
  }
  return publicKey.slice();
}

/** Reads the big-endian u64 timestamp of a cosignature, or undefined past 2^53 − 1. */
export function cosignatureTimestamp(signature: Uint8Array): number | undefined {
  if (!(signature instanceof Uint8Array) || signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) {
    return undefined;
  }
  const value = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_SIZE).getBigUint64(0);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/**
 * A pinned key of one signature type; `check` gets the imported key (imported once, on first
 * use), the note text and the signature, after the text has been checked to be bytes.
 */
function pinnedVerifier(
  name: string,
  publicKey: Uint8Array,
  type: SignatureType,
  check: (key: Promise<CryptoKey>, text: Uint8Array, signature: Uint8Array) => Promise<boolean>,
): NoteVerifier {
  const key = checkedKey(name, publicKey);
  let imported: Promise<CryptoKey> | undefined;
  return Object.freeze({
    name,
    keyId: keyId(name, type, key),
    type,
    verify(text: Uint8Array, signature: Uint8Array): Promise<boolean> {
      if (!(text instanceof Uint8Array)) return Promise.resolve(false);
      imported ??= importEd25519PublicKey(key);
      return check(imported, text, signature);
    },
  });
}

/** Verifies Ed25519 note signatures (type 0x01, C2SP signed-note). */
export function ed25519Verifier(name: string, publicKey: Uint8Array): NoteVerifier {
  return pinnedVerifier(name, publicKey, SIGNATURE_TYPES.ed25519, (key, text, signature) =>
    verifyEd25519(key, text, signature),
  );
}

/**
 * Verifies cosignature/v1 signatures (type 0x04, C2SP tlog-cosignature): the signature is
 * an 8-byte timestamp then Ed25519 over `cosignature/v1\ntime <t>\n` + the note text.
 */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  return pinnedVerifier(name, publicKey, SIGNATURE_TYPES.cosignatureV1, (key, text, signature) => {
    // C2SP tlog-cosignature: the timestamp MUST NOT exceed 2^63 − 1 (and Valise keeps it a
    // safe integer).
    const timestamp = cosignatureTimestamp(signature);
    if (timestamp === undefined) return Promise.resolve(false);
    return verifyEd25519(key, cosignatureMessage(timestamp, text), signature.subarray(TIMESTAMP_SIZE));
  });
}
