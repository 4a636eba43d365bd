/**
 * The decision a witness makes before cosigning (docs/design.md §8; C2SP tlog-witness): the new
 * checkpoint must come from the configured log, carry the log's valid signature, and extend
 * the last checkpoint this witness cosigned. A witness that cosigns only such checkpoints
 * makes a split view or a rewritten history need the collusion of every witness.
 * Pure: the caller keeps `previous` and cosigns on `ok`. Never throws.
 */
import { constantTimeEqual } from '../../encoding/bytes.ts';
import { emptyRoot } from '../merkle/merkle-hash.ts';
import { verifyConsistency } from '../merkle/verify-consistency.ts';
import type { Checkpoint } from './checkpoint.ts';
import { checkpoint as makeCheckpoint } from './checkpoint.ts';
import type { NoteVerifier } from './note-verifier.ts';
import { parseCheckpoint } from './parse-checkpoint.ts';
import { parseNote } from './parse-note.ts';
import { verifyNote } from './verify-note.ts';

export const WITNESS_REFUSALS = [
  /** The request is not a signed note holding a checkpoint (tlog-witness: 400). */
  'MALFORMED',
  /** The checkpoint is for another log than the one configured (tlog-witness: 404). */
  'WRONG_ORIGIN',
  /** The log's pinned key did not sign the checkpoint (tlog-witness: 403). */
  'BAD_SIGNATURE',
  /** The checkpoint is smaller than the one already cosigned (tlog-witness: 409). */
  'ROLLBACK',
  /** Same size as the one already cosigned, different root: a fork (tlog-witness: 409). */
  'SPLIT_VIEW',
  /** The consistency proof does not link the two checkpoints (tlog-witness: 422). */
  'INCONSISTENT',
  /** A leaf of the new range is not served: an event was deleted (docs/design.md §8). */
  'MISSING_LEAF',
  /** The served leaves of the new range do not build the checkpointed tree: one was altered. */
  'ALTERED_LEAF',
] as const;

export type WitnessRefusal = (typeof WITNESS_REFUSALS)[number];

export type WitnessVerdict =
  | { readonly ok: true; readonly checkpoint: Checkpoint }
  | { readonly ok: false; readonly reason: WitnessRefusal };

export interface WitnessCheckInput {
  /** The origin of the log this witness follows. */
  readonly origin: string;
  /** The log's pinned checkpoint-signing key. */
  readonly logVerifier: NoteVerifier;
  /** The last checkpoint this witness cosigned for the log, or null for none yet. */
  readonly previous: Checkpoint | null;
  /** The new checkpoint, as the signed note the log sent. */
  readonly note: string | Uint8Array;
  /** The consistency proof from previous.size to the new checkpoint's size. */
  readonly proof: readonly Uint8Array[];
}

function refuse(reason: WitnessRefusal): WitnessVerdict {
  return Object.freeze({ ok: false, reason });
}

function accept(checkpoint: Checkpoint): WitnessVerdict {
  return Object.freeze({ ok: true, checkpoint });
}

function sameRoot(a: Checkpoint, b: Checkpoint): boolean {
  return constantTimeEqual(a.rootHash, b.rootHash);
}

function isEmptyProof(proof: unknown): boolean {
  return Array.isArray(proof) && proof.length === 0;
}

export async function witnessCheck(input: WitnessCheckInput): Promise<WitnessVerdict> {
  try {
    const { origin, logVerifier, note, proof } = input;
    // The witness's own state is revalidated too: a corrupt `previous` decides nothing.
    const previous = input.previous === null ? null : makeCheckpoint(input.previous);

    // Parse before anything else: strict parsers, no signature work for garbage.
    let next: Checkpoint;
    try {
      next = parseCheckpoint(parseNote(note).text);
    } catch {
      return refuse('MALFORMED');
    }
    // tlog-witness: the checkpoint's origin selects the log; another log is not ours.
    if (next.origin !== origin || (previous !== null && previous.origin !== origin))
      return refuse('WRONG_ORIGIN');
    // tlog-checkpoint: the log's key must have signed the checkpoint.
    const signers = await verifyNote(note, [logVerifier]);
    if (!signers.includes(logVerifier.name)) return refuse('BAD_SIGNATURE');
    // RFC 9162 §2.1.1: the empty tree's root is SHA-256 of the empty string.
    if (next.size === 0 && !constantTimeEqual(next.rootHash, emptyRoot())) return refuse('INCONSISTENT');

    // Nothing cosigned yet: the first checkpoint seen starts the witness's view.
    if (previous === null) return accept(next);
    // docs/design.md §8: a smaller tree than one already cosigned is a rollback.
    if (next.size < previous.size) return refuse('ROLLBACK');
    if (next.size === previous.size) {
      // Two roots for one size: the log shows different histories to different parties.
      if (!sameRoot(next, previous)) return refuse('SPLIT_VIEW');
      // RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) is empty.
      return isEmptyProof(proof) ? accept(next) : refuse('INCONSISTENT');
    }
    // From the empty tree every tree is consistent: nothing to prove, nothing to send.
    if (previous.size === 0) {
      const empty = isEmptyProof(proof) && constantTimeEqual(previous.rootHash, emptyRoot());
      return empty ? accept(next) : refuse('INCONSISTENT');
    }
    // RFC 9162 §2.1.4.2: the proof must lead from the cosigned root to the new one.
    if (!verifyConsistency(previous.size, next.size, proof, previous.rootHash, next.rootHash)) {
      return refuse('INCONSISTENT');
    }
    return accept(next);
  } catch {
    // A malformed input object (missing fields, a corrupt previous checkpoint).
    return refuse('MALFORMED');
  }
}
