/**
 * Signs the audit log's checkpoints (docs/design.md §8; C2SP tlog-checkpoint in a signed note):
 * on a timer while events arrive (main.ts wires the interval), and on demand when a client
 * asks for the newest one, so a device that has just acted sees its act under a signed
 * root. Signing is coalesced: one at a time, concurrent callers share it, and app processes
 * over one database take turns (`LogStore.exclusively`). Each checkpoint
 * also commits the number of directory entries in its tree (`directory <N>`).
 *
 * Before signing, the server checks its own history: the new tree must extend the last
 * checkpoint it signed (RFC 9162 §2.1.4 consistency, from the stored nodes). A store that
 * was rolled back or rewritten underneath it gets no signature: a StoreError CORRUPT stops it, and the
 * operator must look. (Witnesses catch an operator who signs anyway.)
 *
 * Nor does it sign a tree that does not extend the newest checkpoint a witness cosigned
 * (docs/design.md §8): it keeps that checkpoint as a floor, from the store at the first
 * signing, from every cosignature posted since, and from a witness's alert quoting the
 * checkpoint it holds. An operator who cuts the log's tail, its checkpoints and their
 * cosignatures from the database meets an IntegrityError `LOG_BEHIND_WITNESS`, not a
 * signature over the shorter log.
 */

import { constantTimeEqual } from '../../core/encoding/bytes.ts';
import { type Checkpoint, checkpoint as makeCheckpoint } from '../../core/log/checkpoint/checkpoint.ts';
import { formatCheckpoint } from '../../core/log/checkpoint/format-checkpoint.ts';
import { SIGNATURE_TYPES } from '../../core/log/checkpoint/key-id.ts';
import { parseCheckpoint } from '../../core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../../core/log/checkpoint/parse-note.ts';
import { signNote } from '../../core/log/checkpoint/sign-note.ts';
import { ed25519Signer } from '../../core/log/checkpoint/signer.ts';
import { formatVerifierKey, verifierFromKey } from '../../core/log/checkpoint/verifier-key.ts';
import { verifyNote } from '../../core/log/checkpoint/verify-note.ts';
import { directoryExtension } from '../../core/log/directory-extension.ts';
import { logOrigin } from '../../core/log/log-names.ts';
import { consistencyProof } from '../../core/log/merkle/consistency-proof.ts';
import { treeRoot } from '../../core/log/merkle/tree-root.ts';
import { verifyConsistency } from '../../core/log/merkle/verify-consistency.ts';
import type { Clock } from '../clock.ts';
import { unixSeconds } from '../clock.ts';
import { IntegrityError } from '../store/integrity-error.ts';
import type { LogStore, StoredCheckpoint } from '../store/log-store.ts';
import { StoreError } from '../store/store-error.ts';

/** Runs a function every so often; main.ts passes IntervalTimer, tests drive `tick` themselves. */
export interface Timer {
  repeat(ms: number, run: () => void): { stop(): void };
}

export class IntervalTimer implements Timer {
  repeat(ms: number, run: () => void): { stop(): void } {
    const handle = setInterval(run, ms);
    handle.unref();
    return { stop: () => clearInterval(handle) };
  }
}

/** An Ed25519 key pair whose private half is a CryptoKey (core/crypto/ed25519 generateSigner). */
export interface LogKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: Uint8Array;
}

export interface CheckpointerOptions {
  readonly log: LogStore;
  /** The network name: the log's origin is `valise.<network>/log`. */
  readonly network: string;
  readonly key: LogKey;
  readonly clock: Clock;
  /** Where a failed timed signing is reported (it is retried at the next tick). */
  readonly onError?: (error: unknown) => void;
  /**
   * The witness quorum k (docs/design.md §8): clients act on a directory change only under a
   * checkpoint cosigned by k witnesses. 0 (the default here) runs the network unwitnessed.
   */
  readonly quorum?: number;
}

/** The newest checkpoint a witness is known to hold: the log must extend it. */
interface Floor {
  readonly size: number;
  readonly root: Uint8Array;
}

export class Checkpointer {
  /** The checkpoint origin, also the log key's name. */
  readonly origin: string;
  /** The log's verifier key (`<origin>+<key id>+<key>`), what clients pin. */
  readonly verifierKey: string;
  /** The witness quorum clients pin with the log key (GET /log). */
  readonly quorum: number;
  readonly #log: LogStore;
  readonly #signer: ReturnType<typeof ed25519Signer>;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  #signing: Promise<StoredCheckpoint> | undefined;
  #timer: { stop(): void } | undefined;
  #floor: Floor | undefined;
  #floorLoaded = false;

  constructor(options: CheckpointerOptions) {
    this.origin = logOrigin(options.network);
    this.#signer = ed25519Signer(this.origin, options.key.privateKey, options.key.publicKey);
    this.verifierKey = formatVerifierKey(this.origin, SIGNATURE_TYPES.ed25519, options.key.publicKey);
    this.#log = options.log;
    this.#clock = options.clock;
    this.#onError = options.onError ?? (() => {});
    this.quorum = options.quorum ?? 0;
  }

  /** A witness cosigned this stored checkpoint: the log may never again sign less. */
  cosigned(checkpoint: StoredCheckpoint): void {
    this.#raiseFloor({ size: checkpoint.size, root: checkpoint.root });
  }

  /**
   * A witness says it holds this checkpoint (quoted in its alert). Taken as a floor only when
   * this log's key signed it for this origin: nobody else can raise it.
   */
  async heldByWitness(note: string): Promise<void> {
    let checkpoint: Checkpoint;
    try {
      checkpoint = parseCheckpoint(parseNote(note).text);
    } catch {
      return;
    }
    const verifier = verifierFromKey(this.verifierKey);
    if (checkpoint.origin !== this.origin || !(await verifyNote(note, [verifier])).includes(verifier.name))
      return;
    this.#raiseFloor({ size: checkpoint.size, root: checkpoint.rootHash });
  }

  #raiseFloor(floor: Floor): void {
    if (this.#floor === undefined || floor.size > this.#floor.size) this.#floor = floor;
  }

  /** The newest checkpoint, covering every leaf committed before the call. */
  checkpoint(): Promise<StoredCheckpoint> {
    this.#signing ??= this.#log
      .exclusively(() => this.#sign())
      .finally(() => {
        this.#signing = undefined;
      });
    return this.#signing;
  }

  /** One timer tick: sign if the tree grew. Failures go to `onError`. */
  async tick(): Promise<void> {
    try {
      await this.checkpoint();
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Signs every `ms` while running (docs/design.md §8: at least every few seconds). */
  start(timer: Timer, ms: number): void {
    this.stop();
    this.#timer = timer.repeat(ms, () => {
      void this.tick();
    });
  }

  stop(): void {
    this.#timer?.stop();
    this.#timer = undefined;
  }

  /**
   * docs/design.md §8: the stored tree must hold, unchanged, the newest checkpoint a witness
   * cosigned; a log cut or rewritten beneath it is an integrity failure, not a new history.
   */
  async #checkFloor(size: number): Promise<void> {
    if (!this.#floorLoaded) {
      const stored = await this.#log.latestCosigned(1);
      if (stored) this.#raiseFloor({ size: stored.size, root: stored.root });
      this.#floorLoaded = true;
    }
    const floor = this.#floor;
    if (floor === undefined || floor.size === 0) return;
    const held =
      size >= floor.size ? await treeRoot(this.#log, floor.size).catch(() => undefined) : undefined;
    if (held !== undefined && constantTimeEqual(held, floor.root)) return;
    throw new IntegrityError(
      'LOG_BEHIND_WITNESS',
      {
        table: 'audit_events',
        row: Math.min(size, floor.size),
        check: size < floor.size ? 'CUT' : 'REWRITTEN',
      },
      `a witness cosigned the log at ${floor.size} leaves, but the store holds ${size}${size < floor.size ? '' : ' with another history'}: the log was cut or rewritten; stop and investigate the database`,
    );
  }

  async #sign(): Promise<StoredCheckpoint> {
    const size = await this.#log.size();
    await this.#checkFloor(size);
    const latest = await this.#log.latestCheckpoint();
    if (latest && latest.size >= size) {
      if (latest.size > size) {
        throw new StoreError(
          'CORRUPT',
          `the store holds ${size} leaves but checkpoint ${latest.size} was signed: leaves were removed; stop and investigate the database`,
        );
      }
      return latest;
    }
    const root = await treeRoot(this.#log, size);
    if (latest && latest.size > 0) {
      // RFC 9162 §2.1.4.2: the stored tree must extend what was signed before.
      const proof = await consistencyProof(this.#log, latest.size, size);
      const latestRoot = await treeRoot(this.#log, latest.size);
      if (
        !constantTimeEqual(latestRoot, latest.root) ||
        !verifyConsistency(latest.size, size, proof, latest.root, root)
      ) {
        throw new StoreError(
          'CORRUPT',
          `the stored tree does not extend checkpoint ${latest.size}: the log was rewritten; stop and investigate the database`,
        );
      }
    }
    const directory = await this.#log.directoryCount(size);
    const text = formatCheckpoint(
      makeCheckpoint({
        origin: this.origin,
        size,
        rootHash: root,
        extensions: [directoryExtension(directory)],
      }),
    );
    const note = await signNote(text, [this.#signer]);
    const signed: StoredCheckpoint = { size, root, note, signedAt: unixSeconds(this.#clock) };
    if (await this.#log.addCheckpoint(signed)) return signed;
    // Another app process signed this size first: serve its checkpoint.
    const stored = await this.#log.checkpoint(size);
    if (!stored) throw new StoreError('CORRUPT', `checkpoint ${size} vanished from the store`);
    return stored;
  }
}
