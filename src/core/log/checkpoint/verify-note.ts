/**
 * Verifies a signed note against pinned verifiers (C2SP signed-note) and returns the names
 * of those whose signatures verified: empty when none did, when the note is malformed, or
 * when a pinned key's signature fails. Never throws: a verifier has one failure channel.
 */
import { utf8 } from '../../encoding/bytes.ts';
import type { NoteVerifier } from './note-verifier.ts';
import { parseNote } from './parse-note.ts';

function isVerifier(value: unknown): value is NoteVerifier {
  if (typeof value !== 'object' || value === null) return false;
  const { name, keyId, verify } = value as Partial<NoteVerifier>;
  return typeof name === 'string' && typeof keyId === 'number' && typeof verify === 'function';
}

export async function verifyNote(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): Promise<readonly string[]> {
  try {
    if (!Array.isArray(verifiers) || !verifiers.every(isVerifier)) return [];
    const parsed = parseNote(note);
    const text = utf8(parsed.text);
    const verified: string[] = [];
    for (const signature of parsed.signatures) {
      const [verifier, ...others] = verifiers.filter(
        (v) => v.name === signature.name && v.keyId === signature.keyId,
      );
      // Verifiers MUST ignore signatures from unknown keys, even if they share a name or
      // ID (but not both) with a known key.
      if (verifier === undefined) continue;
      // Two pinned keys with one name and ID: the note cannot say which signed (Go's
      // sumdb/note "ambiguous key"); refuse rather than guess.
      if (others.length > 0) return [];
      // If the key name and ID match a known key, verifiers MUST verify the signature; if
      // it fails, clients SHOULD reject the whole note.
      if (!(await verifier.verify(text, signature.signature))) return [];
      if (!verified.includes(signature.name)) verified.push(signature.name);
    }
    return verified;
  } catch {
    // A malformed note, or a verifier that threw: nothing verified.
    return [];
  }
}
