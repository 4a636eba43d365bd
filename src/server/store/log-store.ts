/**
 * What the server keeps of its verifiable audit log (docs/design.md §8), beside the acts: the
 * leaves (audit events in leaf order), the tree's full-subtree nodes (a core/log/merkle
 * HashReader, so every proof is one query), signed checkpoints and witness cosignatures.
 * Leaves are appended only by the Store, in the transactions of the acts they record.
 */
import type { HashReader } from '../../core/log/merkle/hash-reader.ts';

export interface LogLeaf {
  /** The leaf index: the event's position in the tree. */
  readonly index: number;
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  /** The canonical event: the leaf's bytes. */
  readonly event: Uint8Array;
  /** The organisations the event is indexed under (its actor's, its object's). */
  readonly actorOrg: string | null;
  readonly objectOrg: string | null;
}

export interface LogEventQuery {
  /** Leaves after this index (exclusive); -1 for all. */
  readonly after: number;
  /** Leaves below this tree size (a checkpoint's). */
  readonly below: number;
  readonly limit: number;
  /** Only events whose actor or object is of this organisation; all when absent. */
  readonly org?: string;
  /** With `org`: also every event of these types, whoever it concerns (alerts). */
  readonly alsoTypes?: readonly string[];
  /** Only events of this type. */
  readonly type?: string;
}

export interface DirectoryLeaf {
  /** The directory index of the entry. */
  readonly index: number;
  /** The leaf of its `directory.entry` event. */
  readonly leaf: number;
  readonly event: Uint8Array;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** The signed note: the checkpoint text, a blank line, the log's signature line. */
  readonly note: string;
  readonly signedAt: number;
}

export interface StoredCosignature {
  readonly size: number;
  /** The registry device that cosigned. */
  readonly witness: string;
  readonly org: string;
  /** Its signature line (C2SP tlog-cosignature), newline included. */
  readonly line: string;
  readonly cosignedAt: number;
}

export interface LogStore extends HashReader {
  /** The number of committed leaves. */
  size(): Promise<number>;
  /** Leaves [from, to), in order. */
  leaves(from: number, to: number): Promise<LogLeaf[]>;
  /** Leaves [from, to) in order, each with the leaf hash the tree holds for it (if any). */
  auditPage(
    from: number,
    to: number,
  ): Promise<{ index: number; event: Uint8Array; hash: Uint8Array | undefined }[]>;
  /** The stored hashes of interior nodes at `level` with indexes [from, to), in order. */
  nodes(level: number, from: number, to: number): Promise<{ index: number; hash: Uint8Array }[]>;
  events(query: LogEventQuery): Promise<LogLeaf[]>;
  /** The directory entries from index `from` whose leaf is below `below`, in order. */
  directoryLeaves(from: number, below: number): Promise<DirectoryLeaf[]>;
  /** How many directory entries have their leaf below `below`. */
  directoryCount(below: number): Promise<number>;
  /** How many audit events have no leaf index: written around the log (an audit finding). */
  unsequenced(): Promise<number>;

  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpoint(size: number): Promise<StoredCheckpoint | undefined>;
  /** Checkpoints with size > `after`, smallest first. */
  checkpoints(after: number, limit: number): Promise<StoredCheckpoint[]>;
  /** False when a checkpoint of that size is stored already. */
  addCheckpoint(checkpoint: StoredCheckpoint): Promise<boolean>;
  /**
   * Runs `work` while no other app process over this database does (one checkpoint writer at
   * a time, docs/design.md §7): without it, a process could read the tree size, then see a
   * larger checkpoint another process signed meanwhile, and take it for a rewritten log.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** The cosignatures of checkpoints of these sizes. */
  cosignatures(sizes: readonly number[]): Promise<StoredCosignature[]>;
  /** False when this witness's cosignature of that checkpoint is stored already. */
  addCosignature(cosignature: StoredCosignature): Promise<boolean>;
  /** The newest checkpoint cosigned by witnesses of at least `quorum` (at least one) organisations. */
  latestCosigned(quorum: number): Promise<StoredCheckpoint | undefined>;
}
