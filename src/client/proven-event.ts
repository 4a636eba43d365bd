/**
 * One audit event as the server served it, believed only when it decodes with the log's own
 * strict decoder and its inclusion proof holds in a checkpoint this client verified
 * (docs/design.md §8). The audit listing and the silence procedure's evidence both read
 * events this way: the listing marks an event that fails and goes on (checkedEvent), the
 * silence procedure's evidence stops at it (provenEvent).
 */
import { type LogEvent, parseLogEvent } from '../core/log/log-event.ts';
import { leafHash } from '../core/log/merkle/merkle-hash.ts';
import { verifyInclusion } from '../core/log/merkle/verify-inclusion.ts';
import { ClientError } from './client-error.ts';
import { proofHashes } from './follow-log.ts';

export interface ServedEvent {
  readonly leaf: number;
  readonly event: string;
  readonly proof: readonly string[];
}

export interface CheckpointRoot {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/** The event, when it decodes and its inclusion proof (RFC 9162 §2.1.3.2) holds; else undefined. Never throws. */
export function checkedEvent(item: ServedEvent, checkpoint: CheckpointRoot): LogEvent | undefined {
  const bytes = new TextEncoder().encode(item.event);
  let event: LogEvent | undefined;
  try {
    event = parseLogEvent(bytes);
  } catch {
    return undefined;
  }
  const { size, rootHash } = checkpoint;
  return verifyInclusion(leafHash(bytes), item.leaf, size, proofHashes(item.proof), rootHash)
    ? event
    : undefined;
}

export function provenEvent(
  item: ServedEvent,
  checkpoint: CheckpointRoot,
  /** What the event is, for the failure's message: `audit event 12`. */
  what: string,
): LogEvent {
  const event = checkedEvent(item, checkpoint);
  if (!event) {
    throw new ClientError(
      'LOG_PROOF_INVALID',
      `${what} is not proven in the log's checkpoint of ${checkpoint.size} entries: the server altered or invented it; tell your security officer`,
    );
  }
  return event;
}
