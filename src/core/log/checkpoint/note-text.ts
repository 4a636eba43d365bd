/**
 * The text rules of C2SP signed-note shared by notes, checkpoints and key names, and the
 * size limits Valise applies to them.
 */
import { fromUtf8, utf8 } from '../../encoding/bytes.ts';
import { CheckpointError } from './checkpoint-error.ts';

/** C2SP signed-note: verifiers SHOULD bound a note's size. A checkpoint is a few hundred bytes. */
export const MAX_NOTE_BYTES = 1 << 20;

/** C2SP signed-note: verifiers MUST accept at least 16 signatures; Go's sumdb/note accepts 100. */
export const MAX_SIGNATURES = 100;

/**
 * Returns a note's text as a string, from a string or its UTF-8 bytes. Throws
 * CheckpointError for anything else, ill-formed Unicode, oversize input or control characters.
 */
export function noteString(input: unknown, what: string): string {
  let text: string | undefined;
  if (typeof input === 'string') {
    if (input.length > MAX_NOTE_BYTES)
      throw new CheckpointError('TOO_LARGE', `${what} exceeds ${MAX_NOTE_BYTES} bytes`);
    // A lone surrogate has no UTF-8 encoding: it would be signed as U+FFFD.
    if (!isWellFormed(input)) throw new CheckpointError('NOT_TEXT', `${what} is not well-formed Unicode`);
    text = input;
  } else if (input instanceof Uint8Array) {
    if (input.length > MAX_NOTE_BYTES)
      throw new CheckpointError('TOO_LARGE', `${what} exceeds ${MAX_NOTE_BYTES} bytes`);
    // C2SP signed-note: signed notes MUST be valid UTF-8.
    text = fromUtf8(input);
    if (text === undefined) throw new CheckpointError('NOT_TEXT', `${what} is not valid UTF-8`);
  } else {
    throw new CheckpointError('NOT_TEXT', `${what} must be a string or UTF-8 bytes`);
  }
  // C2SP signed-note: no ASCII control characters other than newline.
  if (hasControlCharacter(text, true)) {
    throw new CheckpointError(
      'CONTROL_CHARACTER',
      `${what} holds an ASCII control character other than newline`,
    );
  }
  if (utf8(text).length > MAX_NOTE_BYTES)
    throw new CheckpointError('TOO_LARGE', `${what} exceeds ${MAX_NOTE_BYTES} bytes`);
  return text;
}

/** Whether `text` holds a character below U+0020 (newline excepted if `allowNewline`). */
function hasControlCharacter(text: string, allowNewline: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && !(allowNewline && c === 0x0a)) return true;
  }
  return false;
}

function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** C2SP signed-note: key names are non-empty and hold no Unicode space and no plus. */
export function isKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= 1024 &&
    !/[\s+\u0085]/u.test(name) &&
    !hasControlCharacter(name, false) &&
    isWellFormed(name)
  );
}

export function checkKeyName(name: unknown): string {
  if (!isKeyName(name)) {
    throw new CheckpointError('INVALID_KEY_NAME', 'a key name must be non-empty, without spaces or "+"');
  }
  return name;
}
