/**
 * Key transparency (docs/design.md §8): each directory entry is committed by its `directory.entry`
 * audit event, whose detail carries the entry's position and the SHA-256 of its canonical
 * bytes. A client that proves the event is in the log has proved the entry is, at that
 * position, exactly as it holds it.
 */

import { sha256 } from '../crypto/sha256.ts';
import { toBase64url } from '../encoding/bytes.ts';
import type { LogEvent } from './log-event.ts';

export const DIRECTORY_EVENT_TYPE = 'directory.entry';

/** base64url(SHA-256(canonical signed entry)): the `hash` of a directory event's detail. */
export function directoryEntryHash(entryBytes: Uint8Array): string {
  return toBase64url(sha256(entryBytes));
}

/** True when `event` commits directory entry `index` with exactly these canonical bytes. */
export function commitsDirectoryEntry(event: LogEvent, index: number, entryBytes: Uint8Array): boolean {
  return (
    event.type === DIRECTORY_EVENT_TYPE &&
    event.detail.index === index &&
    event.detail.hash === directoryEntryHash(entryBytes)
  );
}
