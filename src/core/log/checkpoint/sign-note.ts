/**
 * Signs a note's text (C2SP signed-note): each signer signs the text bytes and contributes
 * the line `— <name> <base64(key ID || signature)>`. The text must already be a valid note
 * text: it is checked before any signing, so a malformed text costs no signature.
 */
import { utf8 } from '../../encoding/bytes.ts';
import { toBase64 } from './base64.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { isKeyId, keyIdBytes } from './key-id.ts';
import { checkKeyName, MAX_SIGNATURES, noteString } from './note-text.ts';
import { SIGNATURE_LINE_PREFIX } from './parse-note.ts';
import type { Signer } from './signer.ts';

/** Signatures larger than this are not Ed25519 nor anything Valise uses. */
const MAX_SIGNATURE_SIZE = 8192;

/** Checks a note text: valid, non-empty, ending in a newline. Returns it. */
export function checkNoteText(text: unknown): string {
  const checked = noteString(text, 'the note text');
  if (!checked.endsWith('\n'))
    throw new CheckpointError('MALFORMED_NOTE', 'a note text must end with a newline');
  return checked;
}

/** One signature line, newline included. */
export function signatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const bytes = new Uint8Array(4 + signature.length);
  bytes.set(keyIdBytes(keyId));
  bytes.set(signature, 4);
  return `${SIGNATURE_LINE_PREFIX}${name} ${toBase64(bytes)}\n`;
}

/** Runs a signer and checks what it returns; any failure is SIGNING_FAILED with the cause. */
export async function runSigner(signer: Signer, message: Uint8Array): Promise<Uint8Array> {
  let signature: unknown;
  try {
    signature = await signer.sign(message);
  } catch (cause) {
    throw new CheckpointError('SIGNING_FAILED', `signer ${signer.name} failed to sign`, { cause });
  }
  if (!(signature instanceof Uint8Array) || signature.length === 0 || signature.length > MAX_SIGNATURE_SIZE) {
    throw new CheckpointError('SIGNING_FAILED', `signer ${signer.name} returned no signature`);
  }
  return signature;
}

export function checkSigner(signer: unknown): Signer {
  if (typeof signer !== 'object' || signer === null)
    throw new CheckpointError('INVALID_KEY', 'a signer is required');
  const { name, keyId, sign } = signer as Partial<Signer>;
  checkKeyName(name);
  if (!isKeyId(keyId) || typeof sign !== 'function') {
    throw new CheckpointError('INVALID_KEY', 'a signer has a uint32 key ID and a sign function');
  }
  return signer as Signer;
}

/** Returns the signed note: the text, a blank line, then one signature line per signer. */
export async function signNote(text: string, signers: readonly Signer[]): Promise<string> {
  const checked = checkNoteText(text);
  if (!Array.isArray(signers) || signers.length === 0 || signers.length > MAX_SIGNATURES) {
    throw new CheckpointError('INVALID_KEY', `a note needs between 1 and ${MAX_SIGNATURES} signers`);
  }
  const valid = signers.map(checkSigner);
  const message = utf8(checked);
  let note = `${checked}\n`;
  for (const signer of valid) {
    note += signatureLine(signer.name, signer.keyId, await runSigner(signer, message));
  }
  return note;
}
