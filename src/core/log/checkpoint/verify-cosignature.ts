/**
 * Checks a witness's cosignature/v1 on a signed checkpoint (C2SP tlog-cosignature) and
 * returns the time it states. Returns `{ ok: false }` when the note is malformed, its text
 * is not a checkpoint, the witness did not cosign it, or any of its cosignatures fails;
 * never throws.
 */
import { utf8 } from '../../encoding/bytes.ts';
import { SIGNATURE_TYPES } from './key-id.ts';
import { cosignatureTimestamp, type NoteVerifier } from './note-verifier.ts';
import { parseCheckpoint } from './parse-checkpoint.ts';
import { parseNote } from './parse-note.ts';

export type CosignatureCheck = { readonly ok: true; readonly timestamp: number } | { readonly ok: false };

const REFUSED: CosignatureCheck = Object.freeze({ ok: false });

/** `cosigner` is the witness's pinned key: cosignatureVerifier(name, key) or a 0x04 vkey. */
export async function verifyCosignature(
  note: string | Uint8Array,
  cosigner: NoteVerifier,
): Promise<CosignatureCheck> {
  try {
    if (cosigner?.type !== SIGNATURE_TYPES.cosignatureV1 || typeof cosigner.verify !== 'function')
      return REFUSED;
    const parsed = parseNote(note);
    parseCheckpoint(parsed.text);
    const text = utf8(parsed.text);
    let timestamp: number | undefined;
    for (const signature of parsed.signatures) {
      if (signature.name !== cosigner.name || signature.keyId !== cosigner.keyId) continue;
      // A known key's signature MUST be verified, and a failure rejects the note.
      if (!(await cosigner.verify(text, signature.signature))) return REFUSED;
      const time = cosignatureTimestamp(signature.signature);
      if (time === undefined) return REFUSED;
      timestamp = Math.max(timestamp ?? 0, time);
    }
    return timestamp === undefined ? REFUSED : Object.freeze({ ok: true, timestamp });
  } catch {
    return REFUSED;
  }
}
