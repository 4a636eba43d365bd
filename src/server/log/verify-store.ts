/**
 * `valise audit verify --database`: an operator's audit of the log straight from the store
 * (docs/design.md §8), no server involved. Every leaf is read in order with its stored leaf hash;
 * core's LogAuditor rebuilds the tree, compares every tree node the store holds, and checks
 * every stored checkpoint (the pinned log key's signature, the root at its size, the
 * directory count, each cosignature against the registry devices of the directory, replayed
 * from the pinned root). Events stored without a leaf index were written around the log and
 * are a finding too. The first problem in log order is reported.
 */

import { decodeCanonical } from '../../core/encoding/decode.ts';
import { decodeSignedEntry, type SignedEntry } from '../../core/identity/certificate.ts';
import { type NetworkRoot, openDirectory } from '../../core/identity/directory.ts';
import { verifierFromKey } from '../../core/log/checkpoint/verifier-key.ts';
import {
  type AuditReport,
  type LeafRecord,
  LogAuditor,
  type TreeHasher,
} from '../../core/log/log-auditor.ts';
import { logOrigin } from '../../core/log/log-names.ts';
import type { SubtreeHash } from '../../core/log/merkle/node-id.ts';
import { witnessVerifiers } from '../../core/log/witness-keys.ts';
import type { LogStore } from '../store/log-store.ts';
import type { Store } from '../store/store.ts';

export interface VerifyStoreRequest {
  readonly store: Store;
  /** The pinned network root: the directory (and so the witness keys) is replayed from it. */
  readonly root: NetworkRoot;
  /** The log's pinned verifier key. */
  readonly logKey: string;
  readonly hasher?: TreeHasher;
  readonly onProgress?: (done: number, total: number) => void;
  /** Leaves per read. */
  readonly pageSize?: number;
}

export async function verifyStore(request: VerifyStoreRequest): Promise<AuditReport> {
  const { store } = request;
  const log = store.log;
  const entries: SignedEntry[] = [];
  for (const row of await store.directoryEntries(0)) {
    try {
      entries.push(decodeCanonical(row.entry, decodeSignedEntry));
    } catch {
      // An entry that does not decode certifies no witness; the leaves' audit reports it.
    }
  }
  const directory = await openDirectory(request.root, entries);
  const verified = entries.filter((_, i) => !directory.rejected.has(i));
  const notes: string[] = [];
  for (let after = -1; ; ) {
    const page = await log.checkpoints(after, 1000);
    const last = page.at(-1);
    if (last === undefined) break;
    const cosignatures = await log.cosignatures(page.map((c) => c.size));
    for (const c of page) {
      notes.push(
        c.note +
          cosignatures
            .filter((s) => s.size === c.size)
            .map((s) => s.line)
            .join(''),
      );
    }
    after = last.size;
  }
  const auditor = new LogAuditor({
    origin: logOrigin(request.root.network),
    logVerifier: verifierFromKey(request.logKey),
    witnesses: witnessVerifiers(verified, request.root.network),
    checkpoints: notes,
    fullView: true,
    collectNodes: true,
    ...(request.hasher ? { hasher: request.hasher } : {}),
  });
  const started = auditor.start();
  if (started) return { ok: false, leaves: 0, problem: started };
  const outside = await log.unsequenced();
  if (outside > 0) {
    const problem = auditor.storeProblem({
      code: 'EVENT_OUTSIDE_LOG',
      message: `${outside} audit event(s) are stored without a place in the log: they were written around it`,
    });
    return { ok: false, leaves: 0, problem };
  }
  const total = await log.size();
  const pageSize = request.pageSize ?? 16_384;
  for (let from = 0; from < total; from += pageSize) {
    const leaves = await log.auditPage(from, Math.min(total, from + pageSize));
    // Every leaf must have its stored leaf hash; the first without one is reported in log
    // order, after whatever the leaves before it show.
    const cut = leaves.findIndex((l) => l.hash === undefined);
    const unhashed = cut < 0 ? undefined : leaves[cut];
    const usable = (unhashed ? leaves.slice(0, cut) : leaves) as LeafRecord[];
    const problem = await auditor.addLeaves(usable);
    if (problem) break;
    if (unhashed) {
      return {
        ok: false,
        leaves: auditor.size,
        problem: auditor.nodeMismatch({ level: 0, index: unhashed.index }),
      };
    }
    const altered = await firstAlteredNode(log, auditor.takeNodes());
    if (altered) {
      return { ok: false, leaves: auditor.size, problem: auditor.nodeMismatch(altered) };
    }
    request.onProgress?.(auditor.size, total);
  }
  const report = await auditor.finish();
  if (!report.ok && report.problem.code !== 'CHECKPOINT_BEYOND_LOG') return report;
  // The tree still holds the hash of a leaf past the last one: the log was cut there.
  if (auditor.size === total && (await log.nodes(0, total, total + 1)).length > 0) {
    return {
      ok: false,
      leaves: total,
      problem: {
        code: 'LEAF_MISSING',
        leaf: total,
        message: `leaf ${total} and those after it are missing, but the tree still holds their hashes: the log was truncated`,
      },
    };
  }
  return report;
}

/** The first recomputed interior node the store holds differently, or not at all. */
async function firstAlteredNode(
  log: LogStore,
  nodes: readonly SubtreeHash[],
): Promise<SubtreeHash | undefined> {
  const byLevel = new Map<number, SubtreeHash[]>();
  for (const node of nodes) {
    const list = byLevel.get(node.level);
    if (list) list.push(node);
    else byLevel.set(node.level, [node]);
  }
  for (const [level, list] of [...byLevel].sort((a, b) => a[0] - b[0])) {
    // The list is in index order: one read covers it from its first node to its last.
    const first = list[0];
    const last = list.at(-1);
    if (!first || !last) continue;
    const stored = new Map(
      (await log.nodes(level, first.index, last.index + 1)).map((s) => [s.index, s.hash] as const),
    );
    for (const node of list) {
      const hash = stored.get(node.index);
      if (!hash || !sameBytes(hash, node.hash)) return node;
    }
  }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
