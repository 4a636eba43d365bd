/**
 * Demo only: the demo's registry devices witness the log in this process, on a timer
 * (docs/design.md §8), so a fresh `npm start` runs under the witness quorum like a real network
 * without anyone starting `valise audit witness --follow`. Their keys live here as the demo's
 * organisation keys do; a real organisation's witness runs on its own machine, where the
 * operator cannot reach its key or its last cosigned checkpoint.
 *
 * Each round makes a real witness's checks with core's code, from the store:
 * - core `witnessCheck`: the newest checkpoint is signed by the log key for its origin and
 *   extends the last one this witness cosigned (a consistency proof);
 * - every leaf of the new range is there, in order, and rebuilds the new root from the
 *   stored compact range, which must fold to the root cosigned before;
 * then it cosigns (cosignature/v1 under its witness key name) and stores the line. A refusal
 * is reported and the witness stops cosigning for good, as a real one keeps refusing.
 */
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { Checkpoint } from '../core/log/checkpoint/checkpoint.ts';
import { cosign } from '../core/log/checkpoint/cosign.ts';
import { parseNote } from '../core/log/checkpoint/parse-note.ts';
import { cosignatureSigner } from '../core/log/checkpoint/signer.ts';
import { verifierFromKey } from '../core/log/checkpoint/verifier-key.ts';
import { type WitnessRefusal, witnessCheck } from '../core/log/checkpoint/witness-check.ts';
import { witnessKeyName } from '../core/log/log-names.ts';
import { appendLeafHashes, compactRange, compactRangeRoot } from '../core/log/merkle/compact-range.ts';
import { consistencyProof } from '../core/log/merkle/consistency-proof.ts';
import { emptyRoot, leafHash } from '../core/log/merkle/merkle-hash.ts';
import type { Clock } from './clock.ts';
import { unixSeconds } from './clock.ts';
import type { DemoWitnessKey } from './demo-network.ts';
import type { Checkpointer, Timer } from './log/checkpointer.ts';
import { frontierOf } from './routes/log.ts';
import type { LogStore, StoredCheckpoint } from './store/log-store.ts';

export interface DemoWitnessOptions {
  readonly log: LogStore;
  readonly checkpointer: Checkpointer;
  readonly network: string;
  readonly witnesses: readonly DemoWitnessKey[];
  readonly clock: Clock;
  /** Where a refusal or a failed round is reported. */
  readonly onError: (message: string) => void;
}

export class DemoWitnesses {
  readonly #options: DemoWitnessOptions;
  /** The last checkpoint each witness cosigned, by device; null once it refused. */
  readonly #cosigned = new Map<string, Checkpoint | null>();
  #timer: { stop(): void } | undefined;
  #running: Promise<void> | undefined;

  constructor(options: DemoWitnessOptions) {
    this.#options = options;
  }

  start(timer: Timer, ms: number): void {
    this.stop();
    this.#timer = timer.repeat(ms, () => {
      this.#running ??= this.round().finally(() => {
        this.#running = undefined;
      });
    });
  }

  stop(): void {
    this.#timer?.stop();
    this.#timer = undefined;
  }

  /** One round: every witness that has not refused checks and cosigns the newest checkpoint. */
  async round(): Promise<void> {
    const { checkpointer, onError } = this.#options;
    let newest: StoredCheckpoint;
    try {
      newest = await checkpointer.checkpoint();
    } catch (error) {
      onError(`the demo witnesses found no checkpoint to cosign: ${String(error)}`);
      return;
    }
    for (const witness of this.#options.witnesses) {
      const previous = this.#cosigned.get(witness.device);
      if (previous === null) continue;
      try {
        const refusal = await this.#witness(witness, previous, newest);
        if (refusal) {
          this.#cosigned.set(witness.device, null);
          onError(
            `demo witness ${witness.org}/${witness.device} refused checkpoint ${newest.size}: ${refusal}`,
          );
        }
      } catch (error) {
        onError(`demo witness ${witness.org}/${witness.device} could not cosign: ${String(error)}`);
      }
    }
  }

  async #witness(
    witness: DemoWitnessKey,
    previous: Checkpoint | undefined,
    newest: StoredCheckpoint,
  ): Promise<WitnessRefusal | undefined> {
    const { log, checkpointer, network, clock } = this.#options;
    const from = previous?.size ?? 0;
    if (previous !== undefined && previous.size === newest.size) return undefined;
    const proof = from > 0 && newest.size > from ? await consistencyProof(log, from, newest.size) : [];
    const verdict = await witnessCheck({
      origin: checkpointer.origin,
      logVerifier: verifierFromKey(checkpointer.verifierKey),
      previous: previous ?? null,
      note: newest.note,
      proof,
    });
    if (!verdict.ok) return verdict.reason;
    // docs/design.md §8: the leaves of the new range, each one, rebuild the new root.
    const leaves = await log.leaves(from, newest.size);
    if (leaves.length !== newest.size - from || leaves.some((leaf, i) => leaf.index !== from + i)) {
      return 'MISSING_LEAF';
    }
    const range = compactRange(from, await frontierOf(log, from));
    if (!constantTimeEqual(compactRangeRoot(range), previous?.rootHash ?? emptyRoot())) return 'INCONSISTENT';
    const root = compactRangeRoot(
      appendLeafHashes(
        range,
        leaves.map((leaf) => leafHash(leaf.event)),
      ).range,
    );
    if (!constantTimeEqual(root, verdict.checkpoint.rootHash)) return 'ALTERED_LEAF';

    const now = unixSeconds(clock);
    const name = witnessKeyName(network, witness.org, witness.device);
    const line = await cosign(
      parseNote(newest.note).text,
      cosignatureSigner(name, witness.signer.privateKey, witness.signer.publicKey),
      now,
    );
    this.#cosigned.set(witness.device, verdict.checkpoint);
    await log.addCosignature({
      size: newest.size,
      witness: witness.device,
      org: witness.org,
      line,
      cosignedAt: now,
    });
    checkpointer.cosigned(newest);
    return undefined;
  }
}
