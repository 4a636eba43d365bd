/**
 * Reads the audit log as a security officer or the network authority (docs/design.md §1, §8): a
 * page of events, each checked against its inclusion proof (RFC 9162 §2.1.3.2) in the
 * checkpoint served with the page, which must itself be signed by the pinned log key and
 * extend the newest checkpoint this device saw. What is shown is what the log committed to.
 */

import { ROUTES } from '../core/api/routes.ts';
import { type LogEvent, parseLogEvent } from '../core/log/log-event.ts';
import { leafHash } from '../core/log/merkle/merkle-hash.ts';
import { verifyInclusion } from '../core/log/merkle/verify-inclusion.ts';
import { ClientError } from './client-error.ts';
import { checkCheckpoint, proofHashes, rememberCheckpoint } from './follow-log.ts';
import type { DeviceSession } from './open-session.ts';

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
  const items = answer.items.map((item) => {
    const bytes = new TextEncoder().encode(item.event);
    let event: LogEvent | undefined;
    try {
      event = parseLogEvent(bytes);
    } catch {
      event = undefined;
    }
    if (!event || !verifyInclusion(leafHash(bytes), item.leaf, size, proofHashes(item.proof), rootHash)) {
      throw new ClientError(
        'LOG_PROOF_INVALID',
        `audit event ${item.leaf} is not proven in the log's checkpoint of ${size} entries: the server altered or invented it; tell your security officer`,
      );
    }
    return { leaf: item.leaf, event };
  });
  await rememberCheckpoint(store, view);
  return { size, items, ...(answer.next !== undefined ? { next: answer.next } : {}) };
}
