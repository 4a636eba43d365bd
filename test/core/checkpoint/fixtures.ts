/** Shared fixtures of the checkpoint tests: frozen vectors and Ed25519 keys as CryptoKeys. */
import { concatBytes } from '../../../src/core/bytes.ts';
import {
  cosignatureSigner,
  ed25519Signer,
  parseVerifierKey,
  type Signer,
} from '../../../src/core/checkpoint/index.ts';
import vectors from '../../vectors/signed-note.json' with { type: 'json' };

export { vectors };

const PKCS8_ED25519_PREFIX = Uint8Array.of(
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
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
);

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
export function importSeed(seed: Uint8Array): Promise<CryptoKey> {
  const pkcs8 = concatBytes(PKCS8_ED25519_PREFIX, seed) as Uint8Array<ArrayBuffer>;
  return globalThis.crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
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
