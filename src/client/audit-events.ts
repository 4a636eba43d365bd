/**
 * Reads the audit log as a security officer or the network authority (docs/design.md §1, §8): a
 * page of events, each checked against its inclusion proof (RFC 9162 §2.1.3.2) in the
 * checkpoint served with the page, which must itself be signed by the pinned log key and
 * extend the newest checkpoint this device saw. What is shown is what the log committed to.
 *
 * And nothing is left out unseen: the page covers a run of leaves (from `after + 1` to its
 * last event, or to the checkpoint's end), and the client reads every leaf of that run (its
 * own organisation's as events, the others' as hashes, leaf-range.ts), checks each event
 * shown is the leaf at its index, and that the whole run rebuilds a tree the checkpoint
 * extends (RFC 9162 §2.1.4). A leaf the server does not serve is a gap, reported by index
 * (`gaps`), never skipped; a run that does not rebuild is `LOG_PROOF_INVALID`.
 */

import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { Checkpoint } from '../core/log/checkpoint/checkpoint.ts';
import type { LogEvent } from '../core/log/log-event.ts';
import { leafHash } from '../core/log/merkle/merkle-hash.ts';
import { verifyConsistency } from '../core/log/merkle/verify-consistency.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import { checkCheckpoint, proofHashes, rememberCheckpoint } from './follow-log.ts';
import { readLeafRange } from './leaf-range.ts';
import type { DeviceSession } from './open-session.ts';
import { provenEvent } from './proven-event.ts';

export interface AuditEventsRequest {
  readonly session: DeviceSession;
  /** Events after this leaf (exclusive). */
  readonly after?: number;
  readonly limit?: number;
  readonly type?: string;
  /** Another organisation's events (network authority only). */
  readonly org?: string;
}

export interface ProvenEvent {
  readonly leaf: number;
  readonly event: LogEvent;
}

export interface AuditEventsPage {
  /** The checkpoint every event was proven against. */
  readonly size: number;
  readonly items: readonly ProvenEvent[];
  /** The run of leaves the page covers, [from, to): every one was read. */
  readonly range: { readonly from: number; readonly to: number };
  /** Leaves of the run the server did not serve (deleted, or withheld): the listing is incomplete. */
  readonly gaps: readonly number[];
  /** Pass as `after` for the next page. */
  readonly next?: number;
}

export async function auditEvents(request: AuditEventsRequest): Promise<AuditEventsPage> {
  const { api, store, network } = request.session;
  if (!network.log) throw new ClientError('NOT_CONFIGURED', 'this profile has no pinned audit log');
  const answer = await api.call(ROUTES.auditEvents, {
    query: {
      after: request.after,
      limit: request.limit,
      type: request.type,
      org: request.org,
    },
  });
  const view = await checkCheckpoint(
    api,
    network.log,
    answer.checkpoint.note,
    await store.loadCheckpoint?.('seen'),
  );
  const { size, rootHash } = view.checkpoint;
  const items = answer.items.map((item) => ({
    leaf: item.leaf,
    event: provenEvent(item, { size, rootHash }, `audit event ${item.leaf}`),
  }));
  const from = (request.after ?? -1) + 1;
  const to = answer.next !== undefined ? answer.next + 1 : size;
  const gaps = await checkComplete(api, from, to, view.checkpoint, answer.items);
  await rememberCheckpoint(store, view);
  return {
    size,
    items,
    range: { from, to },
    gaps,
    ...(answer.next !== undefined ? { next: answer.next } : {}),
  };
}

/**
 * docs/design.md §8: every leaf of [from, to) is read; each event shown must be the leaf at
 * its index, and the run must rebuild the root of size `to`, which the checkpoint extends.
 * Returns the leaves the server did not serve.
 */
async function checkComplete(
  api: ApiClient,
  from: number,
  to: number,
  checkpoint: Checkpoint,
  shown: readonly { readonly leaf: number; readonly event: string }[],
): Promise<readonly number[]> {
  if (to <= from) return [];
  const run = await readLeafRange(api, from, to);
  for (const item of shown) {
    const hash = run.hashes.get(item.leaf);
    if (hash !== undefined && !constantTimeEqual(hash, leafHash(new TextEncoder().encode(item.event)))) {
      throw incomplete(`audit event ${item.leaf} is not the leaf the log holds at that index`);
    }
  }
  if (run.missing.length > 0) return run.missing;
  let proven = run.root !== undefined;
  if (run.root !== undefined && to === checkpoint.size)
    proven = constantTimeEqual(run.root, checkpoint.rootHash);
  else if (run.root !== undefined) {
    const answer = await api.call(ROUTES.consistencyProof, { query: { from: to, to: checkpoint.size } });
    proven =
      answer.from === to &&
      answer.to === checkpoint.size &&
      verifyConsistency(to, checkpoint.size, proofHashes(answer.proof), run.root, checkpoint.rootHash);
  }
  if (!proven) throw incomplete(`the leaves ${from}–${to - 1} do not rebuild the log's checkpoint`);
  return [];
}

function incomplete(what: string): ClientError {
  return new ClientError(
    'LOG_PROOF_INVALID',
    `${what}: the server altered or left out events of this listing; tell your security officer`,
  );
}
