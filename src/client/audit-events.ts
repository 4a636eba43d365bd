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
 * (`gaps`), never skipped.
 *
 * One bad event does not hide the others: an event whose proof fails, or that is not the
 * leaf the log serves at its index, is listed in `failed` with what failed, and every other
 * event is still shown, proven; a run that does not rebuild the checkpoint is reported as
 * `unproven` (the listing may lack events) beside the events that did prove. The caller shows
 * all of it and says plainly that the log may have been altered (the CLI exits non-zero).
 * Only a checkpoint that fails (unsigned, rolled back, forked) stops the page: then nothing
 * can be proven at all.
 */

import { ROUTES } from '../core/api/routes.ts';
import { constantTimeEqual } from '../core/encoding/bytes.ts';
import type { Checkpoint } from '../core/log/checkpoint/checkpoint.ts';
import { countCosigners } from '../core/log/checkpoint/count-cosigners.ts';
import type { LogEvent } from '../core/log/log-event.ts';
import { leafHash } from '../core/log/merkle/merkle-hash.ts';
import { verifyConsistency } from '../core/log/merkle/verify-consistency.ts';
import { witnessVerifiers } from '../core/log/witness-keys.ts';
import type { ApiClient } from './api-client.ts';
import { ClientError } from './client-error.ts';
import { checkCheckpoint, proofHashes, rememberCheckpoint } from './follow-log.ts';
import { readLeafRange } from './leaf-range.ts';
import type { DeviceSession } from './open-session.ts';
import { checkedEvent } from './proven-event.ts';

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

/** Why a served event is not believed; in words for people: EVENT_FAILURE_WORDS. */
export const EVENT_FAILURES = ['NOT_PROVEN', 'NOT_THE_LEAF'] as const;
export type EventFailure = (typeof EVENT_FAILURES)[number];

export const EVENT_FAILURE_WORDS: { readonly [failure in EventFailure]: string } = {
  NOT_PROVEN: "the server's copy of this event does not match the log's signed checkpoint",
  NOT_THE_LEAF: 'the server served two different versions of this event',
};

export interface FailedEvent {
  readonly leaf: number;
  readonly failure: EventFailure;
}

/** Whether the checkpoint carries the witness quorum (docs/design.md §8). */
export const CHECKPOINT_WITNESSING = ['WITNESSED', 'NOT_YET_WITNESSED', 'NO_WITNESSES'] as const;
export type CheckpointWitnessing = (typeof CHECKPOINT_WITNESSING)[number];

export interface AuditEventsPage {
  /** The checkpoint every event was proven against. */
  readonly size: number;
  readonly witnessing: CheckpointWitnessing;
  /** Events proven, in log order. */
  readonly items: readonly ProvenEvent[];
  /** Events served that are not believed, in log order: shown marked, never as events. */
  readonly failed: readonly FailedEvent[];
  /** The run of leaves the page covers, [from, to): every one was read. */
  readonly range: { readonly from: number; readonly to: number };
  /** Leaves of the run the server did not serve (deleted, or withheld): the listing is incomplete. */
  readonly gaps: readonly number[];
  /** Set when the run does not rebuild the checkpoint: events of it may be altered or left out. */
  readonly unproven?: { readonly from: number; readonly to: number };
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
  const items: ProvenEvent[] = [];
  const failed = new Map<number, EventFailure>();
  for (const item of answer.items) {
    const event = checkedEvent(item, { size, rootHash });
    if (event) items.push({ leaf: item.leaf, event });
    else failed.set(item.leaf, 'NOT_PROVEN');
  }
  const from = (request.after ?? -1) + 1;
  const to = answer.next !== undefined ? answer.next + 1 : size;
  const run = await checkComplete(api, from, to, view.checkpoint, answer.items);
  for (const leaf of run.differing) failed.set(leaf, failed.get(leaf) ?? 'NOT_THE_LEAF');
  await rememberCheckpoint(store, view);
  return {
    size,
    witnessing: await witnessing(request.session, view.note),
    items: items.filter((item) => !failed.has(item.leaf)),
    failed: [...failed].map(([leaf, failure]) => ({ leaf, failure })).sort((a, b) => a.leaf - b.leaf),
    range: { from, to },
    gaps: run.missing,
    ...(run.rebuilt ? {} : { unproven: { from, to } }),
    ...(answer.next !== undefined ? { next: answer.next } : {}),
  };
}

/** docs/design.md §8: the checkpoint counts as witnessed with cosignatures of the quorum. */
async function witnessing(session: DeviceSession, note: string): Promise<CheckpointWitnessing> {
  const quorum = session.network.log?.quorum ?? 0;
  const witnesses = witnessVerifiers(session.directory.entries, session.network.root.network);
  if (quorum === 0 || witnesses.length === 0) return 'NO_WITNESSES';
  return (await countCosigners(note, witnesses)) >= quorum ? 'WITNESSED' : 'NOT_YET_WITNESSED';
}

/**
 * docs/design.md §8: every leaf of [from, to) is read; each event shown must be the leaf at
 * its index (those that differ are returned), and the run must rebuild the root of size `to`,
 * which the checkpoint extends. Leaves the server did not serve are returned as missing.
 */
async function checkComplete(
  api: ApiClient,
  from: number,
  to: number,
  checkpoint: Checkpoint,
  shown: readonly { readonly leaf: number; readonly event: string }[],
): Promise<{ readonly differing: number[]; readonly missing: readonly number[]; readonly rebuilt: boolean }> {
  if (to <= from) return { differing: [], missing: [], rebuilt: true };
  const run = await readLeafRange(api, from, to);
  const differing = shown
    .filter((item) => {
      const hash = run.hashes.get(item.leaf);
      return hash !== undefined && !constantTimeEqual(hash, leafHash(new TextEncoder().encode(item.event)));
    })
    .map((item) => item.leaf);
  // A gap is reported as such: with leaves missing the run cannot rebuild, which says no more.
  if (run.missing.length > 0) return { differing, missing: run.missing, rebuilt: true };
  let rebuilt = run.root !== undefined;
  if (run.root !== undefined && to === checkpoint.size)
    rebuilt = constantTimeEqual(run.root, checkpoint.rootHash);
  else if (run.root !== undefined) {
    const answer = await api.call(ROUTES.consistencyProof, { query: { from: to, to: checkpoint.size } });
    rebuilt =
      answer.from === to &&
      answer.to === checkpoint.size &&
      verifyConsistency(to, checkpoint.size, proofHashes(answer.proof), run.root, checkpoint.rootHash);
  }
  return { differing, missing: [], rebuilt };
}
