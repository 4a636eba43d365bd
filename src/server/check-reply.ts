/**
 * A reply is never classified lower than the cable it replies to (docs/design.md §2,
 * "Threads"). The header is cleartext to the server, so it holds the rule itself rather than
 * trusting each client's compose page. The checks, in order:
 *
 *  1. a cable that replies to nothing, or to a reference this server does not hold, passes
 *     (a reply may answer a cable sent on paper or before the network existed);
 *  2. an original the replying organisation neither sent nor was addressed passes: the
 *     server says nothing about a cable that organisation may not know of (its level
 *     included), and its people never read the original's text, so a reply cannot leak it;
 *  3. otherwise the reply's classification covers the original's (core/cable/reply.ts, the
 *     same rule the clients check before sealing), else REPLY_DOWNGRADE, nothing stored.
 */
import type { CableHeader } from '../core/cable/cable-header.ts';
import { parseReference } from '../core/cable/reference.ts';
import { isReplyDowngrade, replyDowngradeMessage } from '../core/cable/reply.ts';
import { CLASSIFICATIONS } from '../core/identity/classification.ts';
import type { ServerContext } from './server-context.ts';
import { ServerError } from './server-error.ts';

export async function checkReply(ctx: ServerContext, header: CableHeader): Promise<void> {
  if (header.replyTo === undefined) return;
  // 1. The original, by its reference (the decoder made it canonical).
  const { org, year, serial } = parseReference(header.replyTo, 'cable.header.replyTo');
  const original = await ctx.store.cableByReference(org, year, serial);
  if (!original) return;
  // 2. Only an original the replying organisation knows of.
  const knows = original.org === header.org || original.distribution.some((a) => a.org === header.org);
  if (!knows) return;
  // 3. Fails closed: a stored level that is not a classification is never covered.
  const level = CLASSIFICATIONS.find((c) => c === original.classification);
  if (level === undefined || isReplyDowngrade(level, header.classification)) {
    throw new ServerError(
      'REPLY_DOWNGRADE',
      replyDowngradeMessage(header.replyTo, original.classification, header.classification),
      { field: 'cable.header.classification' },
    );
  }
}
