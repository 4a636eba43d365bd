/** Shared fixtures of the checkpoint tests: frozen vectors and Ed25519 keys as CryptoKeys. */

import { signerFromSeed } from '../../../../src/core/crypto/ed25519.ts';
import {
  cosignatureSigner,
  ed25519Signer,
  parseVerifierKey,
  type Signer,
} from '../../../../src/core/log/checkpoint/index.ts';
import vectors from '../../../vectors/signed-note.json' with { type: 'json' };

export { vectors };

export function base64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function fromHexString(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
}

/** The Ed25519 seed of a Go sumdb/note private key `PRIVATE+KEY+<name>+<id>+base64(0x01 || seed)`. */
export function seedOfSignerKey(skey: string): Uint8Array {
  const encoded = skey.split('+').slice(4).join('+');
  const bytes = base64(encoded);
  if (bytes.length !== 33 || bytes[0] !== 0x01) throw new Error('not an Ed25519 signer key');
  return bytes.slice(1);
}

/** Imports a seed as a non-extractable signing key, as a log or witness would hold it. */
export async function importSeed(seed: Uint8Array): Promise<CryptoKey> {
  return (await signerFromSeed(seed)).privateKey;
}

const go = vectors.goSumdbNote;
export const PETER_SEED = seedOfSignerKey(go.signerKey);
export const PETER_PUBLIC = parseVerifierKey(go.verifierKey).publicKey;
export const PETER_KEY = await importSeed(PETER_SEED);
export const peterSigner: Signer = ed25519Signer(go.name, PETER_KEY, PETER_PUBLIC);
export const peterCosigner: Signer = cosignatureSigner(go.name, PETER_KEY, PETER_PUBLIC);

export interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
}

/** A fresh non-extractable key pair (the public half is always exportable). */
export async function freshKeyPair(): Promise<KeyPair> {
  const pair = (await globalThis.crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await globalThis.crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}
