/**
 * Splits a signed note (C2SP signed-note) into its text and its signature lines, strictly:
 * valid UTF-8, no control characters but newline, the text ending in a newline, then a blank
 * line, then one or more lines `— <key name> <base64(key ID || signature)>`. It checks the
 * form only; whether any signature verifies is verifyNote's question.
 */
import { uint32At } from '../../encoding/bytes.ts';
import { fromBase64 } from './base64.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { isKeyName, MAX_SIGNATURES, noteString } from './note-text.ts';

export interface NoteSignature {
  readonly name: string;
  /** The uint32 key ID: the first four bytes of the encoded signature. */
  readonly keyId: number;
  /** The signature bytes after the key ID. */
  readonly signature: Uint8Array;
}

export interface SignedNote {
  readonly kind: 'SignedNote';
  /** The signed text, final newline included, separating blank line excluded. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** U+2014 EM DASH then a space: the start of every signature line. */
export const SIGNATURE_LINE_PREFIX = '\u2014 ';

/** C2SP signed-note: a signature line is `— <key name> <base64(key ID || signature)>`. */
function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) {
    throw new CheckpointError(
      'MALFORMED_SIGNATURE_LINE',
      'a signature line must start with an em dash and a space',
    );
  }
  const parts = line.slice(SIGNATURE_LINE_PREFIX.length).split(' ');
  if (parts.length !== 2) {
    throw new CheckpointError(
      'MALFORMED_SIGNATURE_LINE',
      'a signature line is "— <key name> <base64 signature>"',
    );
  }
  const [name, encoded] = parts as [string, string];
  if (!isKeyName(name))
    throw new CheckpointError('INVALID_KEY_NAME', 'a signature line names an invalid key');
  const bytes = fromBase64(encoded);
  // Signatures are the base64 of 4 + n bytes: the key ID, then at least one signature byte.
  if (bytes === undefined || bytes.length < 5) {
    throw new CheckpointError(
      'MALFORMED_SIGNATURE_LINE',
      `the signature of ${name} is not canonical base64 of a key ID and a signature`,
    );
  }
  const keyId = uint32At(bytes, 0);
  return Object.freeze({ name, keyId, signature: bytes.slice(4) });
}

/** Parses a signed note from a string or its UTF-8 bytes; throws CheckpointError. */
export function parseNote(note: string | Uint8Array): SignedNote {
  const text = noteString(note, 'the signed note');
  // The text is separated from the signatures by the last empty line in the note.
  const split = text.lastIndexOf('\n\n');
  if (split < 0)
    throw new CheckpointError('MALFORMED_NOTE', 'a signed note needs a blank line before its signatures');
  const block = text.slice(split + 2);
  // One or more signature lines, each ending in a newline.
  if (block.length === 0 || !block.endsWith('\n')) {
    throw new CheckpointError(
      'MALFORMED_NOTE',
      'a signed note ends with signature lines, each ending in a newline',
    );
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    throw new CheckpointError('TOO_MANY_SIGNATURES', `a note may carry at most ${MAX_SIGNATURES} signatures`);
  }
  return Object.freeze({
    kind: 'SignedNote',
    text: text.slice(0, split + 1),
    signatures: Object.freeze(lines.map(parseSignatureLine)),
  });
}
