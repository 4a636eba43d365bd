/**
 * A client's view of the audit log (docs/design.md §8): it trusts a checkpoint only when the log
 * key pinned at enrolment signed it for the pinned origin, and only when it extends the
 * newest checkpoint this device saw before (RFC 9162 §2.1.4 consistency proof). A smaller
 * tree is a rollback, another root at the same size or a proof that fails is a fork: both
 * are refused loudly, and the newest view is kept (`rememberCheckpoint`) for the next sync.
 */

import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual, fromBase64url } from '../core/encoding/bytes.ts';
import type { Checkpoint } from '../core/log/checkpoint/checkpoint.ts';
import { parseCheckpoint } from '../core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../core/log/checkpoint/parse-note.ts';
import { verifierFromKey } from '../core/log/checkpoint/verifier-key.ts';
import { verifyNote } from '../core/log/checkpoint/verify-note.ts';
import { verifyConsistency } from '../core/log/merkle/verify-consistency.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { KeyStore, PinnedLog } from './key-store.ts';

export interface LogView {
  readonly checkpoint: Checkpoint;
  /** The signed note as served (log signature and any cosignatures). */
  readonly note: string;
  /** The newest checkpoint the witness quorum cosigned, as the server offers it (unverified). */
  readonly offered?: string;
}

const SPEAK_UP = 'stop using this server and tell your security officer';

/** Hashes of a proof as sent (base64url); a malformed one fails the proof, not the parse. */
export function proofHashes(encoded: readonly string[]): Uint8Array[] {
  return encoded.map((h) => fromBase64url(h) ?? new Uint8Array(0));
}

/** The checkpoint a signed note holds, if the pinned log key signed it for the pinned origin. */
export async function trustedCheckpoint(log: PinnedLog, note: string): Promise<Checkpoint> {
  const verifier = verifierFromKey(log.key);
  const signers = await verifyNote(note, [verifier]);
  let checkpoint: Checkpoint | undefined;
  try {
    checkpoint = parseCheckpoint(parseNote(note).text);
  } catch {
    checkpoint = undefined;
  }
  if (!signers.includes(verifier.name) || checkpoint === undefined || checkpoint.origin !== log.origin) {
    throw new ClientError(
      'LOG_UNSIGNED',
      `the server's audit-log checkpoint is not signed by the log key pinned for ${log.origin}; ${SPEAK_UP}`,
    );
  }
  return checkpoint;
}

/**
 * Checks a served checkpoint note: signed by the pinned key, and consistent with `seen`
 * (the newest note this device verified before). Fetches the consistency proof it needs.
 */
export async function checkCheckpoint(
  api: ApiClient,
  log: PinnedLog,
  note: string,
  seen: string | undefined,
): Promise<LogView> {
  const checkpoint = await trustedCheckpoint(log, note);
  if (seen === undefined) return { checkpoint, note };
  const previous = parseCheckpoint(parseNote(seen).text);
  // docs/design.md §8: a log only grows; fewer leaves than already seen is a rollback.
  if (checkpoint.size < previous.size) {
    throw new ClientError(
      'LOG_ROLLBACK',
      `the server's audit log has ${checkpoint.size} entries but this device already saw ${previous.size}: it was rolled back; ${SPEAK_UP}`,
    );
  }
  if (checkpoint.size === previous.size) {
    if (!constantTimeEqual(checkpoint.rootHash, previous.rootHash)) throw forked(previous.size);
    return { checkpoint, note };
  }
  if (previous.size > 0) {
    const answer = await api.call(ROUTES.consistencyProof, {
      query: {
        from: previous.size,
        to: checkpoint.size,
      },
    });
    // RFC 9162 §2.1.4.2: the proof must lead from the root seen to the new one.
    if (
      answer.from !== previous.size ||
      answer.to !== checkpoint.size ||
      !verifyConsistency(
        previous.size,
        checkpoint.size,
        proofHashes(answer.proof),
        previous.rootHash,
        checkpoint.rootHash,
      )
    ) {
      throw forked(previous.size);
    }
  }
  return { checkpoint, note };
}

/** Fetches the newest checkpoint and checks it against the view the store keeps. */
export async function followLog(api: ApiClient, store: KeyStore, log: PinnedLog): Promise<LogView> {
  const answer = await api.call(ROUTES.checkpoint);
  const view = await checkCheckpoint(api, log, answer.note, await store.loadCheckpoint?.('seen'));
  if (view.checkpoint.size !== answer.size) {
    throw new ClientError('BAD_RESPONSE', 'the server named another size than its checkpoint holds');
  }
  return answer.witnessed ? { ...view, offered: answer.witnessed.note } : view;
}

/** Keeps `view` as the newest checkpoint seen, unless a newer one is kept already. */
export async function rememberCheckpoint(store: KeyStore, view: LogView): Promise<void> {
  if (!store.saveCheckpoint) return;
  const seen = await store.loadCheckpoint?.('seen');
  if (seen !== undefined && parseCheckpoint(parseNote(seen).text).size > view.checkpoint.size) return;
  await store.saveCheckpoint('seen', view.note);
}

function forked(size: number): ClientError {
  return new ClientError(
    'LOG_FORKED',
    `the server's audit log does not extend the checkpoint of ${size} entries this device saw: its history was rewritten, or it shows this device another log than others; ${SPEAK_UP}`,
  );
}
