/**
 * One audit event as the server served it, believed only when it decodes with the log's own
 * strict decoder and its inclusion proof holds in a checkpoint this client verified
 * (docs/design.md §8). The audit listing and the silence procedure's evidence both read
 * events this way.
 */
import { type LogEvent, parseLogEvent } from '../core/log/log-event.ts';
import { leafHash } from '../core/log/merkle/merkle-hash.ts';
import { verifyInclusion } from '../core/log/merkle/verify-inclusion.ts';
import { ClientError } from './client-error.ts';
import { proofHashes } from './follow-log.ts';

export function provenEvent(
  item: { readonly leaf: number; readonly event: string; readonly proof: readonly string[] },
  checkpoint: { readonly size: number; readonly rootHash: Uint8Array },
  /** What the event is, for the failure's message: `audit event 12`. */
  what: string,
): LogEvent {
  const bytes = new TextEncoder().encode(item.event);
  let event: LogEvent | undefined;
  try {
    event = parseLogEvent(bytes);
  } catch {
    event = undefined;
  }
  const { size, rootHash } = checkpoint;
  if (!event || !verifyInclusion(leafHash(bytes), item.leaf, size, proofHashes(item.proof), rootHash)) {
    throw new ClientError(
      'LOG_PROOF_INVALID',
      `${what} is not proven in the log's checkpoint of ${size} entries: the server altered or invented it; tell your security officer`,
    );
  }
  return event;
}
