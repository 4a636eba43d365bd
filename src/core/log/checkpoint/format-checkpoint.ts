/**
 * Writes a checkpoint as the note text a log signs (C2SP tlog-checkpoint): origin, decimal
 * tree size and base64 root hash, each on its own line, then any extension lines.
 */
import { toBase64 } from './base64.ts';
import { type Checkpoint, checkpoint } from './checkpoint.ts';
import { noteString } from './note-text.ts';

export function formatCheckpoint(value: Checkpoint): string {
  // Re-validate: a structurally typed object may not have come from `checkpoint`.
  const { origin, size, rootHash, extensions } = checkpoint(value);
  const lines = [origin, size.toString(10), toBase64(rootHash), ...extensions];
  return noteString(`${lines.join('\n')}\n`, 'the checkpoint');
}
