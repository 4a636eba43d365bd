/**
 * Who signs notes: a log signing its checkpoints (signature type 0x01) or a witness
 * cosigning them (type 0x04). The private key is a WebCrypto CryptoKey, so it can be
 * non-extractable; the Signer only ever exposes the public key and a sign operation.
 */

import { isEd25519PublicKey, isEd25519SigningKey, signEd25519 } from '../../crypto/ed25519.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { keyId, SIGNATURE_TYPES, type SignatureType } from './key-id.ts';
import { checkKeyName } from './note-text.ts';

export interface Signer {
  /** The key name of the signature lines (C2SP signed-note). */
  readonly name: string;
  /** The uint32 key ID for this key's signature type. */
  readonly keyId: number;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** A raw Ed25519 signature (RFC 8032) over `message`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

function makeSigner(type: SignatureType, name: string, privateKey: CryptoKey, publicKey: Uint8Array): Signer {
  if (!isEd25519SigningKey(privateKey)) {
    throw new CheckpointError(
      'INVALID_KEY',
      'the private key must be an Ed25519 CryptoKey usable for signing',
    );
  }
  return signerOver(type, name, publicKey, (message) => signEd25519(privateKey, message));
}

function signerOver(
  type: SignatureType,
  name: string,
  publicKey: Uint8Array,
  sign: (message: Uint8Array) => Promise<Uint8Array>,
): Signer {
  checkKeyName(name);
  if (typeof sign !== 'function') throw new CheckpointError('INVALID_KEY', 'sign must be a function');
  if (!isEd25519PublicKey(publicKey)) {
    throw new CheckpointError('INVALID_KEY', 'the public key must be 32 bytes (RFC 8032)');
  }
  const ownPublicKey = publicKey.slice();
  return Object.freeze({
    name,
    keyId: keyId(name, type, ownPublicKey),
    get publicKey() {
      return ownPublicKey.slice();
    },
    sign,
  });
}

/** A log's note signer: Ed25519 over the note text, key ID with type 0x01 (C2SP signed-note). */
export function ed25519Signer(name: string, privateKey: CryptoKey, publicKey: Uint8Array): Signer {
  return makeSigner(SIGNATURE_TYPES.ed25519, name, privateKey, publicKey);
}

/** A witness's cosigner: key ID with type 0x04 (C2SP tlog-cosignature); use it with `cosign`. */
export function cosignatureSigner(name: string, privateKey: CryptoKey, publicKey: Uint8Array): Signer {
  return makeSigner(SIGNATURE_TYPES.cosignatureV1, name, privateKey, publicKey);
}

/**
 * A witness's cosigner over a key held elsewhere (a key agent that signs raw Ed25519 for the
 * device): the same key ID; `sign` must be Ed25519 with the key of `publicKey`.
 */
export function delegatedCosignatureSigner(
  name: string,
  signer: { readonly publicKey: Uint8Array; sign(message: Uint8Array): Promise<Uint8Array> },
): Signer {
  return signerOver(SIGNATURE_TYPES.cosignatureV1, name, signer.publicKey, (message) => signer.sign(message));
}
