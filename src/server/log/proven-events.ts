/**
 * Log events with their proofs, as the views built on the log answer them (the delivery
 * board, a silence procedure): the checkpoint as clients take it, and each event's text with
 * its inclusion proof in that checkpoint, so a client believes only what the log proves.
 */
import { toBase64url } from '../../core/encoding/bytes.ts';
import type { LogLeaf } from '../store/log-store.ts';
import type { Store } from '../store/store.ts';
import type { Checkpointer } from './checkpointer.ts';
import { cosignedNote } from './cosigned-note.ts';
import { inclusionProofs } from './inclusion-proofs.ts';

export interface ProvenEvents {
  readonly checkpoint: { readonly size: number; readonly note: string };
  readonly events: { readonly leaf: number; readonly event: string; readonly proof: string[] }[];
}

/** `leaves` (all below the checkpoint's size) with their proofs, in the order given. */
export async function provenEvents(
  store: Pick<Store, 'log'>,
  checkpoint: Awaited<ReturnType<Checkpointer['checkpoint']>>,
  leaves: readonly LogLeaf[],
): Promise<ProvenEvents> {
  const proven = await inclusionProofs(store.log, leaves, (leaf) => leaf.index, checkpoint.size);
  return {
    checkpoint: { size: checkpoint.size, note: await cosignedNote(store, checkpoint) },
    events: proven.map(({ item, proof }) => ({
      leaf: item.index,
      event: new TextDecoder().decode(item.event),
      proof: proof.map(toBase64url),
    })),
  };
}
