/**
 * A transparency-log checkpoint (C2SP tlog-checkpoint): the log's origin, its tree size and
 * the RFC 6962 root hash at that size, plus optional opaque extension lines. Built only by
 * `checkpoint` (which validates every field) or `parseCheckpoint`, and frozen.
 */
import { CheckpointError } from './checkpoint-error.ts';
import { noteString } from './note-text.ts';

export interface Checkpoint {
  readonly kind: 'Checkpoint';
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
}

export interface CheckpointFields {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

/** A note line: a non-empty string without newline or other control characters. */
function isLine(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\n')) return false;
  try {
    noteString(value, 'a checkpoint line');
    return true;
  } catch {
    return false;
  }
}

export function checkpoint(fields: CheckpointFields): Checkpoint {
  if (typeof fields !== 'object' || fields === null) {
    throw new CheckpointError('INVALID_ORIGIN', 'checkpoint: fields must be an object');
  }
  const { origin, size, rootHash, extensions = [] } = fields;
  // C2SP tlog-checkpoint: the origin MUST be non-empty (one line).
  if (!isLine(origin))
    throw new CheckpointError('INVALID_ORIGIN', 'the origin must be one non-empty line of text');
  // The tree size is a decimal count of leaves; Valise keeps it a safe integer.
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new CheckpointError('INVALID_TREE_SIZE', 'the tree size must be a non-negative safe integer');
  }
  // The root hash is an RFC 6962 SHA-256 root: 32 bytes.
  if (!(rootHash instanceof Uint8Array) || rootHash.length !== 32) {
    throw new CheckpointError('INVALID_ROOT_HASH', 'the root hash must be 32 bytes');
  }
  // Extension lines, if any, MUST be non-empty.
  if (!Array.isArray(extensions) || !extensions.every(isLine)) {
    throw new CheckpointError('INVALID_EXTENSION', 'extension lines must be non-empty single lines of text');
  }
  return Object.freeze({
    kind: 'Checkpoint',
    origin,
    size,
    rootHash: rootHash.slice(),
    extensions: Object.freeze([...extensions]),
  });
}
