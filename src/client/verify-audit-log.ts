/**
 * `valise audit verify` through the API (docs/design.md §8): rebuilds the whole tree from every
 * leaf the server holds and checks every stored checkpoint (the log's signature, its root,
 * its cosignatures by the registry devices of the verified directory) with core's
 * LogAuditor, reporting the first bad entry. The network authority sees every event (so
 * the directory's sequence is checked too); a security officer sees its organisation's
 * events and the leaf hashes of the others, which is enough to rebuild the tree. The newest
 * checkpoint must also extend the one this device saw.
 */

import { ROUTES } from '../core/api/routes.ts';
import { fromBase64url } from '../core/encoding/bytes.ts';
import { verifierFromKey } from '../core/log/checkpoint/verifier-key.ts';
import { type AuditReport, type LeafRecord, LogAuditor, type TreeHasher } from '../core/log/log-auditor.ts';
import { witnessVerifiers } from '../core/log/witness-keys.ts';
import { ClientError } from './client-error.ts';
import { checkCheckpoint, rememberCheckpoint } from './follow-log.ts';
import type { DeviceSession } from './open-session.ts';

export interface VerifyAuditLogRequest {
  readonly session: DeviceSession;
  /** A faster SHA-256 for large logs (the CLI passes Node's); default core's. */
  readonly hasher?: TreeHasher;
  /** Called after each page of leaves with how many were checked, of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

const LEAF_PAGE = 10_000;

export async function verifyAuditLog(request: VerifyAuditLogRequest): Promise<AuditReport> {
  const { session } = request;
  const { api, network, directory, store } = session;
  if (!network.log) throw new ClientError('NOT_CONFIGURED', 'this profile has no pinned audit log');
  const role = directory.device(session.device.device)?.user.role;
  if (role !== 'security-officer' && role !== 'network-authority') {
    throw new ClientError('NOT_CONFIGURED', 'only security officers and the network authority audit the log');
  }
  const notes: string[] = [];
  for (let after: number | undefined; ; ) {
    const page = await api.call(ROUTES.checkpoints, { query: { after } });
    notes.push(...page.items.map((c) => c.note));
    if (page.next === undefined) break;
    after = page.next;
  }
  const auditor = new LogAuditor({
    origin: network.log.origin,
    logVerifier: verifierFromKey(network.log.key),
    witnesses: witnessVerifiers(directory.entries, network.root.network),
    checkpoints: notes,
    fullView: role === 'network-authority',
    ...(request.hasher ? { hasher: request.hasher } : {}),
  });
  const started = auditor.start();
  if (started) return { ok: false, leaves: 0, problem: started };
  for (let from = 0; ; ) {
    const page = await api.call(ROUTES.leaves, { query: { from, limit: LEAF_PAGE } });
    const leaves: LeafRecord[] = page.items.map((item) => ({
      index: item.leaf,
      ...(item.event !== undefined ? { event: new TextEncoder().encode(item.event) } : {}),
      ...(item.hash !== undefined ? { hash: fromBase64url(item.hash) ?? new Uint8Array(0) } : {}),
    }));
    const problem = await auditor.addLeaves(leaves);
    request.onProgress?.(auditor.size, page.size);
    if (problem) break;
    if (page.next === undefined) break;
    from = page.next;
  }
  const report = await auditor.finish();
  const newest = notes.at(-1);
  if (report.ok && newest !== undefined) {
    // The log the server keeps must also be the one this device has been shown.
    const view = await checkCheckpoint(api, network.log, newest, await store.loadCheckpoint?.('seen'));
    await rememberCheckpoint(store, view);
  }
  return report;
}
