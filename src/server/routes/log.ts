/**
 * The verifiable audit log's routes (docs/design.md §8; docs/api.md "The audit log"):
 * - GET /log: the origin and the log's verifier key, public, pinned by clients at enrolment;
 * - GET /log/checkpoint: the newest signed checkpoint with its cosignatures (signed on
 *   demand when the tree grew, so a device sees its own acts under a signed root);
 * - GET /log/checkpoints, /log/leaves: every stored checkpoint and leaf, for audits
 *   (security officers see their organisation's leaves and the hashes of the others);
 * - GET /log/proofs/inclusion, /log/proofs/consistency: RFC 9162 proofs from stored nodes;
 * - POST /log/cosignatures: a witness (a registry device) cosigns a stored checkpoint;
 * - POST /log/alerts: a witness reports a checkpoint it refused (rollback, split view, …).
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { sha256 } from '../../core/crypto/sha256.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { optional } from '../../core/encoding/decode.ts';
import type { DirectoryDevice } from '../../core/identity/directory.ts';
import { cosignatureVerifier } from '../../core/log/checkpoint/note-verifier.ts';
import { parseCheckpoint } from '../../core/log/checkpoint/parse-checkpoint.ts';
import { parseNote } from '../../core/log/checkpoint/parse-note.ts';
import { verifyCosignature } from '../../core/log/checkpoint/verify-cosignature.ts';
import { witnessKeyName } from '../../core/log/log-names.ts';
import { compactRangeIds } from '../../core/log/merkle/compact-range.ts';
import { consistencyProof } from '../../core/log/merkle/consistency-proof.ts';
import { inclusionProof } from '../../core/log/merkle/inclusion-proof.ts';
import { leafHash } from '../../core/log/merkle/merkle-hash.ts';
import { actorOf, auditRecord } from '../audit-event.ts';
import { requireActor } from '../authenticate.ts';
import { unixSeconds } from '../clock.ts';
import type { Checkpointer } from '../log/checkpointer.ts';
import { integerText, readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import type { LogStore, StoredCheckpoint } from '../store/log-store.ts';
import { routeBody, serve } from './serve-route.ts';

const MAX_PAGE = 10_000;
/** A cosignature's stated time may run this far ahead of the server's clock. */
const MAX_COSIGNATURE_SKEW = 300;

/** Who may read every leaf and checkpoint: the network authority, and security officers. */
export function auditScope(actor: DirectoryDevice): { readonly org?: string } {
  if (actor.user.role === 'network-authority') return {};
  if (actor.user.role === 'security-officer') return { org: actor.org.org };
  throw new ServerError('FORBIDDEN', 'only security officers and the network authority read the audit log');
}

/** A stored checkpoint with its cosignatures appended: the note a client verifies. */
export async function cosignedNote(log: LogStore, stored: StoredCheckpoint): Promise<string> {
  const lines = await log.cosignatures([stored.size]);
  return stored.note + lines.map((c) => c.line).join('');
}

/** Who reads leaves: auditors (auditScope), and witnesses, who get every leaf as its hash. */
function leafScope(actor: DirectoryDevice): { readonly org?: string } | 'hashes' {
  return actor.user.role === 'registry' ? 'hashes' : auditScope(actor);
}

/** The stored roots of the compact range [0, size) (core/log/merkle compact-range.ts). */
export async function frontierOf(log: LogStore, size: number): Promise<readonly Uint8Array[]> {
  const ids = compactRangeIds(size);
  return ids.length === 0 ? [] : log.readNodes(ids);
}

function requireWitness(actor: DirectoryDevice): void {
  if (actor.user.role !== 'registry') {
    throw new ServerError('FORBIDDEN', "only an organisation's registry devices are witnesses of the log");
  }
}

/** Facts about a note for an alert: never the note itself (docs/design.md §8: hashes, not bodies). */
function noteFacts(note: string | undefined): { [key: string]: string | number } {
  if (note === undefined) return {};
  const facts: { [key: string]: string | number } = {
    noteHash: toBase64url(sha256(new TextEncoder().encode(note))),
  };
  try {
    const checkpoint = parseCheckpoint(parseNote(note).text);
    facts.size = checkpoint.size;
    facts.root = toBase64url(checkpoint.rootHash);
  } catch {
    // A malformed note is reported by its hash alone.
  }
  return facts;
}

export function logRoutes(app: FastifyInstance, ctx: ServerContext, checkpointer: Checkpointer): void {
  const log = ctx.store.log;

  serve(app, ROUTES.log, {}, async () => ({
    origin: checkpointer.origin,
    key: checkpointer.verifierKey,
    quorum: checkpointer.quorum,
  }));

  serve(app, ROUTES.checkpoint, {}, async (request) => {
    requireActor(request);
    const latest = await checkpointer.checkpoint();
    // docs/design.md §8: clients act on the directory only under the quorum's cosignatures.
    const witnessed = checkpointer.quorum > 0 ? await log.latestCosigned(checkpointer.quorum) : undefined;
    return {
      size: latest.size,
      note: await cosignedNote(log, latest),
      ...(witnessed ? { witnessed: { size: witnessed.size, note: await cosignedNote(log, witnessed) } } : {}),
    };
  });

  serve(app, ROUTES.checkpoints, {}, async (request) => {
    auditScope(requireActor(request));
    const query = readQuery(request, {
      after: optional(integerText({ min: 0, max: Number.MAX_SAFE_INTEGER })),
      limit: optional(integerText({ min: 1, max: 1000 })),
    });
    const limit = query.limit ?? 1000;
    // `after` is a size; the empty tree's checkpoint (size 0) comes first without it.
    const rows = await log.checkpoints(query.after ?? -1, limit + 1);
    const page = rows.slice(0, limit);
    const cosignatures = await log.cosignatures(page.map((c) => c.size));
    const items = page.map((c) => ({
      size: c.size,
      note:
        c.note +
        cosignatures
          .filter((s) => s.size === c.size)
          .map((s) => s.line)
          .join(''),
    }));
    const last = page.at(-1);
    return rows.length > limit && last ? { items, next: last.size } : { items };
  });

  serve(app, ROUTES.leaves, {}, async (request) => {
    const scope = leafScope(requireActor(request));
    const query = readQuery(request, {
      from: optional(integerText({ min: 0, max: Number.MAX_SAFE_INTEGER })),
      limit: optional(integerText({ min: 1, max: MAX_PAGE })),
    });
    const from = query.from ?? 0;
    const size = await log.size();
    const to = Math.min(size, from + (query.limit ?? MAX_PAGE));
    const leaves = await log.leaves(from, to);
    // An officer sees the events of their organisation; of the others, only the leaf hash,
    // which is enough to rebuild the tree and check every checkpoint.
    const items = leaves.map((leaf) =>
      scope !== 'hashes' &&
      (scope.org === undefined ||
        leaf.actorOrg === scope.org ||
        leaf.objectOrg === scope.org ||
        leaf.type === 'log.alert')
        ? { leaf: leaf.index, event: new TextDecoder().decode(leaf.event) }
        : { leaf: leaf.index, hash: toBase64url(leafHash(leaf.event)) },
    );
    // The compact range [0, from): with it, the page's leaves rebuild a root (a range proof).
    const frontier = from <= size ? (await frontierOf(log, from)).map(toBase64url) : [];
    return to < size ? { size, items, next: to, frontier } : { size, items, frontier };
  });

  serve(app, ROUTES.inclusionProof, {}, async (request) => {
    requireActor(request);
    const query = readQuery(request, {
      index: integerText({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      size: integerText({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    });
    if (query.index >= query.size || query.size > (await log.size())) {
      throw new ServerError(
        'NOT_FOUND',
        `the log has no leaf ${query.index} in a tree of ${query.size} leaves`,
        {
          field: 'query.size',
        },
      );
    }
    const proof = await inclusionProof(log, query.index, query.size);
    return { index: query.index, size: query.size, proof: proof.map(toBase64url) };
  });

  serve(app, ROUTES.consistencyProof, {}, async (request) => {
    requireActor(request);
    const query = readQuery(request, {
      from: integerText({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      to: integerText({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    });
    if (query.from > query.to || query.to > (await log.size())) {
      throw new ServerError(
        'NOT_FOUND',
        `the log has no consistency proof from ${query.from} to ${query.to}`,
        {
          field: 'query.to',
        },
      );
    }
    const proof = await consistencyProof(log, query.from, query.to);
    return { from: query.from, to: query.to, proof: proof.map(toBase64url) };
  });

  serve(app, ROUTES.cosign, {}, async (request, reply) => {
    const actor = requireActor(request);
    const body = routeBody(request, ROUTES.cosign, ctx.limits.maxBodyBytes);
    requireWitness(actor);
    const stored = await log.checkpoint(body.size);
    if (!stored) throw new ServerError('NOT_FOUND', `no checkpoint of size ${body.size}`, { field: 'size' });
    // C2SP tlog-cosignature: the line must be this device's cosignature/v1 over exactly the
    // stored checkpoint; its key is the device's certified key (core/log/log-names.ts).
    const name = witnessKeyName(ctx.directory.root.network, actor.org.org, actor.device.device);
    const line = body.cosignature.endsWith('\n') ? body.cosignature : `${body.cosignature}\n`;
    const check = await verifyCosignature(
      stored.note + line,
      cosignatureVerifier(name, actor.device.signingKey),
    );
    if (!check.ok || (stored.note + line).split('\n').length !== stored.note.split('\n').length + 1) {
      throw new ServerError(
        'COSIGNATURE_INVALID',
        `the cosignature is not ${name}'s cosignature/v1 of checkpoint ${body.size}; cosign the checkpoint text as served`,
        { field: 'cosignature' },
      );
    }
    if (check.timestamp > unixSeconds(ctx.clock) + MAX_COSIGNATURE_SKEW) {
      throw new ServerError(
        'COSIGNATURE_INVALID',
        'the cosignature is dated in the future; check the witness clock',
        {
          field: 'cosignature',
        },
      );
    }
    checkpointer.cosigned(stored);
    const created = await log.addCosignature({
      size: body.size,
      witness: actor.device.device,
      org: actor.org.org,
      line,
      cosignedAt: check.timestamp,
    });
    return reply.status(created ? 201 : 200).send({ size: body.size, witness: actor.device.device });
  });

  serve(app, ROUTES.alert, {}, async (request, reply) => {
    const actor = requireActor(request);
    const body = routeBody(request, ROUTES.alert, ctx.limits.maxBodyBytes);
    requireWitness(actor);
    // docs/design.md §8: the checkpoint the witness holds is a floor the log never signs below.
    if (body.previous !== undefined) await checkpointer.heldByWitness(body.previous);
    const received = noteFacts(body.note);
    const previous = noteFacts(body.previous);
    const leaf = await ctx.store.appendAudit(
      auditRecord({
        at: unixSeconds(ctx.clock),
        type: 'log.alert',
        actor: actorOf(actor),
        object: { kind: 'checkpoint', id: String(received.size ?? 'malformed') },
        detail: {
          reason: body.reason,
          received,
          ...(body.previous !== undefined ? { previous } : {}),
        },
      }),
    );
    request.log.error(
      { reason: body.reason, witness: actor.device.device },
      'a witness refused a checkpoint',
    );
    return reply.status(201).send({ leaf });
  });
}
