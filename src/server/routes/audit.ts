/**
 * GET /audit/events: the audit log as people read it (docs/design.md §1, §8): a security officer
 * sees the events of their organisation (by its people, or about its cables, entries and
 * invitations) and every witness alert; the network authority sees all. Each event comes
 * with its inclusion proof against the newest checkpoint, served with it, so the reader
 * checks that what it is shown is what the log committed to.
 */

import type { FastifyInstance } from 'fastify';
import { ROUTES } from '../../core/api/routes.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { optional, string } from '../../core/encoding/decode.ts';
import { decodeOrgId } from '../../core/encoding/identifiers.ts';
import { requireActor } from '../authenticate.ts';
import type { Checkpointer } from '../log/checkpointer.ts';
import { inclusionProofs } from '../log/inclusion-proofs.ts';
import { integerText, readQuery } from '../read-query.ts';
import type { ServerContext } from '../server-context.ts';
import { ServerError } from '../server-error.ts';
import { auditScope, cosignedNote } from './log.ts';
import { serve } from './serve-route.ts';

const DEFAULT_PAGE = 100;

export function auditRoutes(app: FastifyInstance, ctx: ServerContext, checkpointer: Checkpointer): void {
  const log = ctx.store.log;

  serve(app, ROUTES.auditEvents, {}, async (request) => {
    const actor = requireActor(request);
    const scope = auditScope(actor);
    const query = readQuery(request, {
      after: optional(integerText({ min: 0, max: Number.MAX_SAFE_INTEGER })),
      limit: optional(integerText({ min: 1, max: 1000 })),
      type: optional(string({ min: 1, max: 64, pattern: /^[a-z][a-z.-]*$/ })),
      org: optional(decodeOrgId),
    });
    if (scope.org !== undefined && query.org !== undefined && query.org !== scope.org) {
      throw new ServerError(
        'FORBIDDEN',
        `a security officer of ${scope.org} reads only ${scope.org}'s events`,
        {
          field: 'query.org',
        },
      );
    }
    const org = scope.org ?? query.org;
    const limit = query.limit ?? DEFAULT_PAGE;
    const checkpoint = await checkpointer.checkpoint();
    const rows = await log.events({
      after: query.after ?? -1,
      below: checkpoint.size,
      limit: limit + 1,
      ...(org !== undefined ? { org } : {}),
      // Witness alerts concern the whole network: every officer sees them.
      ...(scope.org !== undefined ? { alsoTypes: ['log.alert'] } : {}),
      ...(query.type !== undefined ? { type: query.type } : {}),
    });
    const page = rows.slice(0, limit);
    const proven = await inclusionProofs(log, page, (e) => e.index, checkpoint.size);
    const items = proven.map(({ item: e, proof }) => ({
      leaf: e.index,
      event: new TextDecoder().decode(e.event),
      proof: proof.map(toBase64url),
    }));
    const last = page.at(-1);
    return {
      checkpoint: { size: checkpoint.size, note: await cosignedNote(log, checkpoint) },
      items,
      ...(rows.length > limit && last ? { next: last.index } : {}),
    };
  });
}
