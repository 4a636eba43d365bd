/**
 * Audits a whole audit log (docs/design.md §8, `valise audit verify`): decodes every leaf
 * with the one audit-event decoder, rebuilds the tree from the leaves in order (the Merkle
 * module's compact range) and checks every stored checkpoint against it with the note
 * module's verifiers: the log's signature, the root at its size, the directory count it
 * commits to, and each witness cosignature. It
 * stops at the FIRST problem in log order (a leaf, or the checkpoint whose size is reached),
 * so the report names the earliest point where the stored history stops being the signed one.
 *
 * It is incremental and pure: whoever reads the store (a database, the API) feeds it leaves
 * in batches and, when it can, the stored leaf hashes and interior nodes to compare. The
 * hash functions may be injected (a native SHA-256 for a million leaves); they must be the
 * RFC 9162 §2.1.1 ones, and tests check that they are.
 */
import { constantTimeEqual } from '../encoding/bytes.ts';
import type { Checkpoint } from './checkpoint/checkpoint.ts';
import { SIGNATURE_TYPES } from './checkpoint/key-id.ts';
import type { NoteVerifier } from './checkpoint/note-verifier.ts';
import { parseCheckpoint } from './checkpoint/parse-checkpoint.ts';
import { parseNote } from './checkpoint/parse-note.ts';
import { verifyCosignature } from './checkpoint/verify-cosignature.ts';
import { verifyNote } from './checkpoint/verify-note.ts';
import { directoryEpochOf } from './directory-extension.ts';
import { DIRECTORY_EVENT_TYPE } from './directory-leaf.ts';
import { type LogEvent, parseLogEvent } from './log-event.ts';
import { foldRoots, pushLeafHash } from './merkle/compact-range.ts';
import { leafHash, nodeHash } from './merkle/merkle-hash.ts';
import type { SubtreeHash } from './merkle/node-id.ts';

/** The two hashes of RFC 9162 §2.1.1; the defaults are core's. */
export interface TreeHasher {
  leaf(entry: Uint8Array): Uint8Array;
  node(left: Uint8Array, right: Uint8Array): Uint8Array;
}

export const CORE_HASHER: TreeHasher = Object.freeze({ leaf: leafHash, node: nodeHash });

export interface LeafRecord {
  readonly index: number;
  /** The leaf's bytes (its canonical event), when the reader may see them. */
  readonly event?: Uint8Array;
  /** The leaf hash the store holds (or the API served), when known. */
  readonly hash?: Uint8Array;
}

export const AUDIT_PROBLEMS = [
  /** A leaf index is missing (deleted, or the log was truncated below a later leaf). */
  'LEAF_MISSING',
  /** A leaf index appears twice, or out of order (an insertion or a reordering). */
  'LEAF_OUT_OF_ORDER',
  /** A leaf's bytes do not hash to the leaf hash stored for it (an edited leaf). */
  'LEAF_ALTERED',
  /** A leaf is not a canonical audit event. */
  'EVENT_MALFORMED',
  /** A directory event is out of sequence (its entry index is not the next one). */
  'DIRECTORY_OUT_OF_ORDER',
  /** A stored tree node differs from the one the leaves give, or is missing. */
  'NODE_ALTERED',
  /** An event is stored outside the log (no leaf index): written around the log. */
  'EVENT_OUTSIDE_LOG',
  /** A stored checkpoint does not parse, names another log, or is out of order. */
  'CHECKPOINT_MALFORMED',
  /** A stored checkpoint is not signed by the log key. */
  'CHECKPOINT_UNSIGNED',
  /** The leaves give another root than a signed checkpoint at its size. */
  'ROOT_MISMATCH',
  /** A signed checkpoint counts more leaves than the log holds (truncation). */
  'CHECKPOINT_BEYOND_LOG',
  /** A checkpoint's directory count differs from the directory events below its size. */
  'DIRECTORY_COUNT_MISMATCH',
  /** A cosignature line is from no known witness, or does not verify. */
  'COSIGNATURE_INVALID',
] as const;
export type AuditProblemCode = (typeof AUDIT_PROBLEMS)[number];

export interface AuditProblem {
  readonly code: AuditProblemCode;
  /** The first bad leaf, when the problem is pinned to one. */
  readonly leaf?: number;
  /** The checkpoint (by tree size) the problem was found at. */
  readonly checkpoint?: number;
  /** Leaves [from, to) holding the first change, when no single leaf can be named. */
  readonly range?: readonly [number, number];
  readonly message: string;
}

export type AuditReport =
  | {
      readonly ok: true;
      readonly leaves: number;
      readonly checkpoints: number;
      readonly cosignatures: number;
      readonly root: Uint8Array;
    }
  | { readonly ok: false; readonly leaves: number; readonly problem: AuditProblem };

export interface LogAuditorOptions {
  readonly origin: string;
  readonly logVerifier: NoteVerifier;
  /** Every witness key that may have cosigned (cosignatureVerifier, type 0x04). */
  readonly witnesses: readonly NoteVerifier[];
  /** The stored checkpoints as signed notes (log signature and cosignatures), any order. */
  readonly checkpoints: readonly string[];
  /** Every leaf's bytes will be given: check the directory's sequence and counts too. */
  readonly fullView: boolean;
  readonly hasher?: TreeHasher;
  /** Report completed interior nodes (`takeNodes`) for comparison with a store's. */
  readonly collectNodes?: boolean;
}

interface ParsedCheckpoint {
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

export class LogAuditor {
  readonly #options: LogAuditorOptions;
  readonly #hasher: TreeHasher;
  /** Full-subtree roots of the leaves so far, largest first (a compact range). */
  readonly #stack: Uint8Array[] = [];
  #size = 0;
  #directory = 0;
  #nodes: SubtreeHash[] = [];
  #checkpoints: ParsedCheckpoint[] = [];
  #next = 0;
  #lastGood = 0;
  #checked = 0;
  #cosignatures = 0;
  #problem: AuditProblem | undefined;

  constructor(options: LogAuditorOptions) {
    this.#options = options;
    this.#hasher = options.hasher ?? CORE_HASHER;
  }

  /** Parses the stored checkpoints; a malformed one is the first problem at its place. */
  start(): AuditProblem | undefined {
    const parsed: ParsedCheckpoint[] = [];
    for (const note of this.#options.checkpoints) {
      try {
        const checkpoint = parseCheckpoint(parseNote(note).text);
        if (checkpoint.origin !== this.#options.origin) {
          return this.#fail({
            code: 'CHECKPOINT_MALFORMED',
            checkpoint: checkpoint.size,
            message: `a stored checkpoint names the log ${checkpoint.origin}, not ${this.#options.origin}`,
          });
        }
        parsed.push({ note, checkpoint });
      } catch {
        return this.#fail({
          code: 'CHECKPOINT_MALFORMED',
          message: 'a stored checkpoint is not a signed note',
        });
      }
    }
    parsed.sort((a, b) => a.checkpoint.size - b.checkpoint.size);
    let previous: number | undefined;
    for (const { checkpoint } of parsed) {
      if (checkpoint.size === previous) {
        return this.#fail({
          code: 'CHECKPOINT_MALFORMED',
          checkpoint: checkpoint.size,
          message: `two stored checkpoints have size ${checkpoint.size}`,
        });
      }
      previous = checkpoint.size;
    }
    this.#checkpoints = parsed;
    return undefined;
  }

  /** The tree sizes of the stored checkpoints, smallest first (after `start`). */
  get checkpointSizes(): number[] {
    return this.#checkpoints.map((c) => c.checkpoint.size);
  }

  /** Leaves taken so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds the next leaves, in order. Returns the first problem, if any; after one, every
   * later call returns it again.
   */
  async addLeaves(leaves: readonly LeafRecord[]): Promise<AuditProblem | undefined> {
    if (this.#problem) return this.#problem;
    for (const leaf of leaves) {
      // Reaching a checkpoint's size: check it against the tree so far first.
      for (
        let stored = this.#checkpoints[this.#next];
        stored?.checkpoint.size === this.#size;
        stored = this.#checkpoints[this.#next]
      ) {
        const problem = await this.#checkCheckpoint(stored);
        if (problem) return problem;
        this.#next++;
      }
      const problem = this.#addLeaf(leaf);
      if (problem) return problem;
    }
    return undefined;
  }

  /** Interior nodes completed since the last call (with `collectNodes`). */
  takeNodes(): SubtreeHash[] {
    const nodes = this.#nodes;
    this.#nodes = [];
    return nodes;
  }

  /** Reports a problem the reader found in the store itself (an event outside the log). */
  storeProblem(problem: AuditProblem): AuditProblem {
    return this.#fail(problem);
  }

  /** Reports a stored tree node that differs from the one the leaves give. */
  nodeMismatch(node: { readonly level: number; readonly index: number }): AuditProblem {
    const from = node.index * 2 ** node.level;
    return this.#fail({
      code: 'NODE_ALTERED',
      range: [from, from + 2 ** node.level],
      message: `the stored tree node (${node.level}, ${node.index}) over leaves ${from}–${from + 2 ** node.level - 1} is not the hash of those leaves`,
    });
  }

  /** After the last leaf: checks the checkpoints at the end and beyond it. */
  async finish(): Promise<AuditReport> {
    if (!this.#problem) {
      for (const stored of this.#checkpoints.slice(this.#next)) {
        if (stored.checkpoint.size > this.#size) {
          // Leaves were removed after the last checkpoint that still holds: which ones, the
          // leaves alone cannot tell (a removal in the middle shifts the rest down).
          this.#fail({
            code: 'CHECKPOINT_BEYOND_LOG',
            checkpoint: stored.checkpoint.size,
            range: [this.#lastGood, stored.checkpoint.size],
            message: `a signed checkpoint counts ${stored.checkpoint.size} leaves but the log holds ${this.#size}: a leaf from ${this.#lastGood} on was removed`,
          });
          break;
        }
        if (await this.#checkCheckpoint(stored)) break;
        this.#next++;
      }
    }
    if (this.#problem) return Object.freeze({ ok: false, leaves: this.#size, problem: this.#problem });
    return Object.freeze({
      ok: true,
      leaves: this.#size,
      checkpoints: this.#checked,
      cosignatures: this.#cosignatures,
      root: this.#root(),
    });
  }

  #addLeaf(leaf: LeafRecord): AuditProblem | undefined {
    const index = this.#size;
    if (leaf.index !== index) {
      return leaf.index > index
        ? this.#fail({ code: 'LEAF_MISSING', leaf: index, message: `leaf ${index} is missing from the log` })
        : this.#fail({
            code: 'LEAF_OUT_OF_ORDER',
            leaf: leaf.index,
            message: `leaf ${leaf.index} appears again after leaf ${index - 1}`,
          });
    }
    let hash: Uint8Array;
    if (leaf.event !== undefined) {
      hash = this.#hasher.leaf(leaf.event);
      // RFC 9162 §2.1.1: the stored leaf hash must be the hash of the stored leaf.
      if (leaf.hash !== undefined && !constantTimeEqual(hash, leaf.hash)) {
        return this.#fail({
          code: 'LEAF_ALTERED',
          leaf: index,
          message: `leaf ${index} does not hash to the leaf hash stored in the tree: it was changed`,
        });
      }
      const problem = this.#checkEvent(index, leaf.event);
      if (problem) return problem;
    } else if (leaf.hash !== undefined) {
      hash = leaf.hash;
    } else {
      return this.#fail({
        code: 'LEAF_MISSING',
        leaf: index,
        message: `leaf ${index} came without bytes or hash`,
      });
    }
    this.#push(hash);
    return undefined;
  }

  #checkEvent(index: number, bytes: Uint8Array): AuditProblem | undefined {
    // Every leaf is decoded with the one audit-event decoder `audit events` uses: a leaf the
    // reader would refuse is never passed here (braces at both ends are not an event).
    let event: LogEvent;
    try {
      event = parseLogEvent(bytes);
    } catch {
      return this.#fail({
        code: 'EVENT_MALFORMED',
        leaf: index,
        message: `leaf ${index} is not a canonical audit event`,
      });
    }
    if (this.#options.fullView && event.type === DIRECTORY_EVENT_TYPE) {
      // docs/design.md §8 key transparency: directory events commit entries 0, 1, 2, … in
      // order (only a full view sees every one of them).
      if (event.detail.index !== this.#directory) {
        return this.#fail({
          code: 'DIRECTORY_OUT_OF_ORDER',
          leaf: index,
          message: `leaf ${index} commits directory entry ${String(event.detail.index)} where entry ${this.#directory} was due`,
        });
      }
      this.#directory++;
    }
    return undefined;
  }

  /** Pushes one leaf hash onto the compact range (RFC 9162 §2.1.1), noting completed nodes. */
  #push(hash: Uint8Array): void {
    const collect = this.#options.collectNodes
      ? (node: SubtreeHash) => {
          if (node.level > 0) this.#nodes.push(node);
        }
      : undefined;
    pushLeafHash(this.#stack, this.#size, hash, collect, this.#hasher.node);
    this.#size++;
  }

  #root(): Uint8Array {
    return foldRoots(this.#stack, this.#hasher.node);
  }

  async #checkCheckpoint(stored: ParsedCheckpoint): Promise<AuditProblem | undefined> {
    const { checkpoint, note } = stored;
    const size = checkpoint.size;
    const { logVerifier, witnesses } = this.#options;
    // C2SP tlog-checkpoint: the log's own key must have signed the checkpoint; a signature
    // under its name by another key is ignored, and a failing one rejects the note.
    if (!(await verifyNote(note, [logVerifier])).includes(logVerifier.name)) {
      return this.#fail({
        code: 'CHECKPOINT_UNSIGNED',
        checkpoint: size,
        message: `the stored checkpoint at size ${size} is not signed by the log key`,
      });
    }
    // Every other line is a cosignature, and each must be a known witness's that verifies
    // (C2SP tlog-cosignature): an audit accepts no signature it cannot account for.
    let cosigned = 0;
    for (const signature of parseNote(note).signatures) {
      if (signature.name === logVerifier.name && signature.keyId === logVerifier.keyId) continue;
      const witness = witnesses.find(
        (w) =>
          w.type === SIGNATURE_TYPES.cosignatureV1 &&
          w.name === signature.name &&
          w.keyId === signature.keyId,
      );
      if (!witness || !(await verifyCosignature(note, witness)).ok) {
        return this.#fail({
          code: 'COSIGNATURE_INVALID',
          checkpoint: size,
          message: `the cosignature of ${signature.name} on the checkpoint at size ${size} is ${witness ? 'invalid' : 'from no known witness'}`,
        });
      }
      cosigned++;
    }
    // RFC 9162 §2.1.1: the tree of the first `size` leaves must have the signed root.
    if (!constantTimeEqual(this.#root(), checkpoint.rootHash)) {
      return this.#fail({
        code: 'ROOT_MISMATCH',
        checkpoint: size,
        range: [this.#lastGood, size],
        message: `the leaves give another root than the signed checkpoint at size ${size}: a leaf from ${this.#lastGood} to ${size - 1} was changed, removed, inserted or moved`,
      });
    }
    if (this.#options.fullView) {
      const epoch = directoryEpochOf(checkpoint);
      if (epoch !== undefined && epoch !== this.#directory) {
        return this.#fail({
          code: 'DIRECTORY_COUNT_MISMATCH',
          checkpoint: size,
          message: `the checkpoint at size ${size} commits ${epoch} directory entries but the leaves hold ${this.#directory}`,
        });
      }
    }
    this.#lastGood = size;
    this.#checked++;
    this.#cosignatures += cosigned;
    return undefined;
  }

  #fail(problem: AuditProblem): AuditProblem {
    this.#problem ??= Object.freeze(problem);
    return this.#problem;
  }
}
