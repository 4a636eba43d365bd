/**
 * Reads a checkpoint from note text (C2SP tlog-checkpoint), strictly: the one canonical
 * text of each checkpoint is accepted, so format(parse(text)) === text. Pass the text of a
 * signed note (parseNote(note).text) after verifying its signature.
 */
import { fromBase64 } from './base64.ts';
import { type Checkpoint, checkpoint } from './checkpoint.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { noteString } from './note-text.ts';

export function parseCheckpoint(text: string | Uint8Array): Checkpoint {
  const body = noteString(text, 'the checkpoint');
  // The note text is newline-terminated lines.
  if (!body.endsWith('\n'))
    throw new CheckpointError('MALFORMED_NOTE', 'a checkpoint must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  // At least three non-empty lines: origin, tree size, root hash.
  const [origin, size, root, ...extensions] = lines;
  if (origin === undefined || origin.length === 0) {
    throw new CheckpointError('INVALID_ORIGIN', 'the first line, the origin, must be non-empty');
  }
  // The tree size is ASCII decimal with no leading zeroes (0 only for the empty tree).
  if (size === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw new CheckpointError('INVALID_TREE_SIZE', 'the second line must be a decimal tree size below 2^53');
  }
  // The root hash is the base64 of the 32-byte RFC 6962 root.
  const rootHash = root === undefined ? undefined : fromBase64(root);
  if (rootHash === undefined || rootHash.length !== 32) {
    throw new CheckpointError(
      'INVALID_ROOT_HASH',
      'the third line must be the base64 of a 32-byte root hash',
    );
  }
  // Extension lines, if any, MUST be non-empty: `checkpoint` refuses empty ones.
  return checkpoint({ origin, size: Number(size), rootHash, extensions });
}
