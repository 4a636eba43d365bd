/**
 * A checkpoint as clients take it: the log's signed note followed by every witness
 * cosignature line stored for its size (C2SP tlog-cosignature), so a client counts the
 * witness quorum on the very note it verifies (docs/design.md §8).
 */
import type { Store } from '../store/store.ts';
import type { Checkpointer } from './checkpointer.ts';

export async function cosignedNote(
  store: Pick<Store, 'log'>,
  checkpoint: Awaited<ReturnType<Checkpointer['checkpoint']>>,
): Promise<string> {
  const lines = await store.log.cosignatures([checkpoint.size]);
  return checkpoint.note + lines.map((c) => c.line).join('');
}
