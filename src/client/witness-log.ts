/**
 * An organisation's registry device as a witness of the audit log (docs/design.md §8; C2SP
 * tlog-witness): it fetches the newest checkpoint, checks with core `witnessCheck` that
 * the pinned log key signed it and that it extends the last checkpoint this device cosigned
 * (kept in its profile), and only then cosigns it (cosignature/v1 with the device's
 * certified key, under its witness key name) and posts the cosignature. A rollback, a
 * conflicting checkpoint of the same size (split view), a failed consistency proof or a bad
 * signature is refused: the witness raises an alert with the server and fails loudly, and
 * keeps its last cosigned checkpoint, so every later run refuses the forked log too.
 *
 * The tree is not all it checks: it reads every leaf of the new range (leaf-range.ts) and
 * cosigns only when they are all there, contiguous, and rebuild the checkpoint's root from
 * the one it cosigned before. A deleted event (`MISSING_LEAF`) or an altered one
 * (`ALTERED_LEAF`) is refused like a fork, even when the stored tree was left as it was.
 */

import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import { openDirectory } from '../core/identity/directory.ts';
import type { Checkpoint } from '../core/log/checkpoint/checkpoint.ts';
import { cosign } from '../core/log/checkpoint/cosign.ts';
import { parseCheckpoint } from '../core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../core/log/checkpoint/parse-note.ts';
import { delegatedCosignatureSigner } from '../core/log/checkpoint/signer.ts';
import { verifierFromKey } from '../core/log/checkpoint/verifier-key.ts';
import {
  type WitnessRefusal,
  type WitnessVerdict,
  witnessCheck,
} from '../core/log/checkpoint/witness-check.ts';
import { witnessKeyName } from '../core/log/log-names.ts';
import { emptyRoot } from '../core/log/merkle/merkle-hash.ts';
import { ApiClient, type Fetch } from './api-client.ts';
import { ClientError } from './client-error.ts';
import type { Clock } from './clock.ts';
import { proofHashes } from './follow-log.ts';
import type { KeyStore } from './key-store.ts';
import { readLeafRange } from './leaf-range.ts';
import { openSession } from './open-session.ts';

export interface WitnessRequest {
  readonly store: KeyStore;
  readonly fetch: Fetch;
  readonly clock: Clock;
}

export interface Cosigned {
  readonly size: number;
  /** The size of the checkpoint cosigned before, or null for the first. */
  readonly previous: number | null;
  readonly witness: string;
}

/**
 * The witness's profile, signing API client and verified directory. A witness works from
 * the directory it verified before, not from a fresh sync: a session's own log checks
 * would refuse a forked log before the witness could raise its alert. A device that has
 * never synced syncs once first.
 */
async function witnessContext(request: WitnessRequest) {
  const { store } = request;
  let profile = await store.loadProfile();
  const keys = profile.device;
  if (!profile.server || !profile.network || !keys) {
    throw new ClientError('NOT_CONFIGURED', `profile ${store.name} has no enrolled device`);
  }
  let directory = await openDirectory(profile.network.root, await store.loadDirectory());
  if (!directory.device(keys.device) || !profile.network.log) {
    const session = await openSession(request);
    profile = session.profile;
    directory = session.directory;
  }
  const entry = directory.device(keys.device);
  if (entry?.user.role !== 'registry') {
    throw new ClientError(
      'NOT_A_WITNESS',
      `device ${keys.device} is not a registry device; only an organisation's registry devices witness the log`,
    );
  }
  const { server, network } = profile;
  if (!server || !network?.log) {
    throw new ClientError(
      'NOT_CONFIGURED',
      `profile ${store.name} has no enrolled device with a pinned audit log`,
    );
  }
  const api = new ApiClient({
    server,
    fetch: request.fetch,
    clock: request.clock,
    device: { id: keys.device, signer: keys.signer, sequence: () => store.takeSequence(keys.device) },
  });
  return { api, network, log: network.log, keys, org: entry.org.org };
}

const WHY: Readonly<Record<WitnessRefusal, string>> = {
  MALFORMED: 'the server sent something that is not a signed checkpoint',
  WRONG_ORIGIN: 'the checkpoint is of another log',
  BAD_SIGNATURE: 'the checkpoint is not signed by the pinned log key',
  ROLLBACK: 'the log is smaller than the checkpoint this witness cosigned: it was rolled back',
  SPLIT_VIEW:
    'the log shows another root for the size this witness cosigned: it shows different histories to different parties',
  INCONSISTENT: 'the log does not extend the checkpoint this witness cosigned: its history was rewritten',
  MISSING_LEAF: 'an event of the new range is missing from the log: it was deleted',
  ALTERED_LEAF: "the events of the new range do not build the checkpoint's tree: one was altered",
};

/**
 * docs/design.md §8: the leaves [previous, next) must all be served, in order, and rebuild
 * `next`'s root from `previous`'s (the frontier the server sends must fold to it).
 */
async function checkLeaves(
  api: ApiClient,
  previous: Checkpoint | null,
  next: Checkpoint,
): Promise<WitnessRefusal | undefined> {
  const from = previous?.size ?? 0;
  if (next.size === from) return undefined;
  const range = await readLeafRange(api, from, next.size);
  if (range.missing.length > 0) return 'MISSING_LEAF';
  if (range.fromRoot === undefined || !constantTimeEqual(range.fromRoot, previous?.rootHash ?? emptyRoot())) {
    return 'INCONSISTENT';
  }
  return range.root !== undefined && constantTimeEqual(range.root, next.rootHash)
    ? undefined
    : 'ALTERED_LEAF';
}

export async function witnessLog(request: WitnessRequest): Promise<Cosigned> {
  const { store } = request;
  const { api, network, log, keys, org } = await witnessContext(request);
  const now = request.clock.nowSeconds();
  const stored = await store.loadCheckpoint?.('cosigned');
  const previous: Checkpoint | null = stored === undefined ? null : parseCheckpoint(parseNote(stored).text);

  const { note } = await api.call(ROUTES.checkpoint);
  let size: number | undefined;
  try {
    size = parseCheckpoint(parseNote(note).text).size;
  } catch {
    size = undefined;
  }
  // RFC 9162 §2.1.4: the proof from the cosigned size to the new one, when there is one.
  let proof: readonly Uint8Array[] = [];
  if (previous !== null && size !== undefined && previous.size > 0 && size > previous.size) {
    // A server that cannot prove it (it has no such tree) gets the empty proof, which fails.
    const answer = await api
      .call(ROUTES.consistencyProof, { query: { from: previous.size, to: size } })
      .catch(() => undefined);
    proof = answer ? proofHashes(answer.proof) : [];
  }
  const checked = await witnessCheck({
    origin: log.origin,
    logVerifier: verifierFromKey(log.key),
    previous,
    note,
    proof,
  });
  const leaves = checked.ok ? await checkLeaves(api, previous, checked.checkpoint) : undefined;
  const verdict: WitnessVerdict = leaves === undefined ? checked : { ok: false, reason: leaves };
  if (!verdict.ok) {
    // Tell the organisations (an audit event every security officer sees); refuse anyway
    // if the server will not even take the alert.
    await api
      .call(ROUTES.alert, {
        body: { reason: verdict.reason, note, ...(stored !== undefined ? { previous: stored } : {}) },
      })
      .catch(() => undefined);
    throw new ClientError(
      'WITNESS_REFUSED',
      `${verdict.reason}: ${WHY[verdict.reason]}; this witness did not cosign it and raised an alert; tell your security officer`,
    );
  }
  const checkpoint = verdict.checkpoint;
  const name = witnessKeyName(network.root.network, org, keys.device);
  const line = await cosign(parseNote(note).text, delegatedCosignatureSigner(name, keys.signer), now);
  // Remember what was cosigned before telling anyone: the next run compares with it.
  await store.saveCheckpoint?.('cosigned', note);
  const posted = await api.call(ROUTES.cosign, { body: { size: checkpoint.size, cosignature: line } });
  return { size: posted.size, previous: previous?.size ?? null, witness: posted.witness };
}
