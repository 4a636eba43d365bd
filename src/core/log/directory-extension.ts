/**
 * The one extension line of Valise checkpoints: `directory <N>`, the number of directory
 * entries committed in the tree the checkpoint describes (C2SP tlog-checkpoint allows
 * opaque extension lines after the root). It makes the directory's length part of what the
 * log signs and the witnesses cosign: a server can no longer show one client a shorter
 * directory (hiding a revocation, say) at a checkpoint where another sees the whole one,
 * and an audit checks the count against the leaves.
 */
import type { Checkpoint } from './checkpoint/checkpoint.ts';

const PREFIX = 'directory ';

export function directoryExtension(epoch: number): string {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError('directory epoch must be a count');
  return `${PREFIX}${epoch}`;
}

/** The directory epoch a checkpoint commits to, or undefined when it has no (valid) line. */
export function directoryEpochOf(checkpoint: Checkpoint): number | undefined {
  const [line, ...others] = checkpoint.extensions.filter((extension) => extension.startsWith(PREFIX));
  if (line === undefined || others.length > 0) return undefined;
  const text = line.slice(PREFIX.length);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const epoch = Number(text);
  return Number.isSafeInteger(epoch) ? epoch : undefined;
}
