/**
 * The witness quorum on the client's side (docs/design.md §8): the log key is the operator's,
 * so a checkpoint it signed is not enough to act on. A device acts on a directory change (a
 * new device to wrap for, a revocation) only once a checkpoint cosigned by witnesses of k
 * organisations covers it; until then it keeps acting on the directory that was witnessed,
 * and says so (`WITNESSES_LAG`), never waiting silently. A server that forks one device's
 * view cannot gather those cosignatures, since each honest witness cosigns one history:
 * the device never acts on the fork, whether or not it ever meets the other branch.
 *
 * The checks, in order:
 * - the witnesses are the registry devices of the directory this device verified (never
 *   a list from the server); none at all, or a quorum of 0, is `UNWITNESSED`, said as such;
 * - the newest checkpoint may carry the quorum itself; otherwise the server offers the
 *   newest one that does (`witnessed`), which must be signed by the pinned log key and be
 *   a prefix of the newest checkpoint (RFC 9162 §2.1.4 consistency), else `LOG_FORKED`;
 * - the newest witnessed checkpoint this device kept stays in force if the server offers
 *   none newer (it was checked the same way when it was kept).
 */

import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { SignedEntry } from '../core/identity/certificate.ts';
import type { Checkpoint } from '../core/log/checkpoint/checkpoint.ts';
import { countCosigners } from '../core/log/checkpoint/count-cosigners.ts';
import { parseCheckpoint } from '../core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../core/log/checkpoint/parse-note.ts';
import { directoryEpochOf } from '../core/log/directory-extension.ts';
import { verifyConsistency } from '../core/log/merkle/verify-consistency.ts';
import { witnessVerifiers } from '../core/log/witness-keys.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import { type LogView, proofHashes, trustedCheckpoint } from './follow-log.ts';
import type { KeyStore, PinnedLog } from './key-store.ts';

export type WitnessState =
  /** The network runs without a quorum, or its directory holds no witness yet. */
  | { readonly kind: 'UNWITNESSED'; readonly reason: 'NO_QUORUM' | 'NO_WITNESSES' }
  /** The newest checkpoint carries the quorum: every directory entry is acted on. */
  | { readonly kind: 'WITNESSED'; readonly size: number; readonly quorum: number }
  /** Newer directory entries wait for the witnesses; the device acts on `epoch` entries. */
  | {
      readonly kind: 'WITNESSES_LAG';
      readonly quorum: number;
      /** The size of the newest checkpoint the quorum cosigned (0 for none). */
      readonly witnessedSize: number;
      readonly newestSize: number;
      /** Directory entries acted on, and entries known but waiting. */
      readonly epoch: number;
      readonly waiting: number;
      readonly message: string;
    };

export interface QuorumInput {
  readonly api: ApiClient;
  readonly store: KeyStore;
  readonly log: PinnedLog;
  readonly network: string;
  /** The newest checkpoint, verified and consistent with what this device saw. */
  readonly view: LogView;
  /** What the server offers as the newest checkpoint the quorum cosigned. */
  readonly offered?: string;
  /** Every verified directory entry, up to the newest checkpoint's count. */
  readonly entries: readonly SignedEntry[];
}

export interface Quorum {
  readonly state: WitnessState;
  /** How many directory entries the device acts on. */
  readonly epoch: number;
}

export async function witnessQuorum(input: QuorumInput): Promise<Quorum> {
  const { view, entries, store } = input;
  const quorum = input.log.quorum ?? 0;
  if (quorum === 0) return { state: { kind: 'UNWITNESSED', reason: 'NO_QUORUM' }, epoch: entries.length };
  const witnesses = witnessVerifiers(entries, input.network);
  if (witnesses.length === 0) {
    return { state: { kind: 'UNWITNESSED', reason: 'NO_WITNESSES' }, epoch: entries.length };
  }
  if ((await countCosigners(view.note, witnesses)) >= quorum) {
    await store.saveCheckpoint?.('witnessed', view.note);
    return { state: { kind: 'WITNESSED', size: view.checkpoint.size, quorum }, epoch: entries.length };
  }
  let witnessed: Checkpoint | undefined;
  const offered = input.offered;
  if (offered !== undefined && (await countCosigners(offered, witnesses)) >= quorum) {
    witnessed = await prefixOf(input.api, input.log, offered, view.checkpoint);
    if (witnessed.size === view.checkpoint.size) {
      await store.saveCheckpoint?.('witnessed', offered);
      return { state: { kind: 'WITNESSED', size: witnessed.size, quorum }, epoch: entries.length };
    }
  }
  const kept = await store.loadCheckpoint?.('witnessed');
  const keptCheckpoint = kept === undefined ? undefined : parseCheckpoint(parseNote(kept).text);
  if (keptCheckpoint && (!witnessed || keptCheckpoint.size > witnessed.size)) witnessed = keptCheckpoint;
  else if (witnessed && offered !== undefined) await store.saveCheckpoint?.('witnessed', offered);

  const epoch = Math.min(entries.length, witnessed ? (directoryEpochOf(witnessed) ?? 0) : 0);
  const witnessedSize = witnessed?.size ?? 0;
  const waiting = entries.length - epoch;
  return {
    state: {
      kind: 'WITNESSES_LAG',
      quorum,
      witnessedSize,
      newestSize: view.checkpoint.size,
      epoch,
      waiting,
      message:
        `the witnesses have cosigned the audit log up to ${witnessedSize} of its ${view.checkpoint.size} entries` +
        ` (a quorum of ${quorum} is needed)` +
        (waiting > 0
          ? `; ${waiting} newer directory ${waiting === 1 ? 'change waits' : 'changes wait'} for them and ${waiting === 1 ? 'is' : 'are'} not acted on yet`
          : '') +
        "; if this lasts, ask your security officer whether the organisations' witnesses are running",
    },
    epoch,
  };
}

/** `note` verified as a checkpoint of the pinned log that `newest` extends. */
async function prefixOf(
  api: ApiClient,
  log: PinnedLog,
  note: string,
  newest: Checkpoint,
): Promise<Checkpoint> {
  const checkpoint = await trustedCheckpoint(log, note);
  let consistent: boolean;
  if (checkpoint.size > newest.size) consistent = false;
  else if (checkpoint.size === newest.size || checkpoint.size === 0) {
    consistent = checkpoint.size === 0 || constantTimeEqual(checkpoint.rootHash, newest.rootHash);
  } else {
    const answer = await api.call(ROUTES.consistencyProof, {
      query: { from: checkpoint.size, to: newest.size },
    });
    // RFC 9162 §2.1.4.2: the witnessed tree must be a prefix of the newest one.
    consistent =
      answer.from === checkpoint.size &&
      answer.to === newest.size &&
      verifyConsistency(
        checkpoint.size,
        newest.size,
        proofHashes(answer.proof),
        checkpoint.rootHash,
        newest.rootHash,
      );
  }
  if (!consistent) {
    throw new ClientError(
      'LOG_FORKED',
      `the audit log the witnesses cosigned (${checkpoint.size} entries) is not a prefix of the log this server shows this device: it shows this device another history than the witnesses saw; stop using this server and tell your security officer`,
    );
  }
  return checkpoint;
}
