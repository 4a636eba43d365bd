/** `valise inbox`: this device's cables, newest first, checked against the directory. */

import type { InboxFilter } from '../../client/list-inbox.ts';
import { listInbox } from '../../client/list-inbox.ts';
import { formatDateTimeGroup } from '../../core/encoding/date-time-group.ts';
import { nodeSuites } from '../../platform/node-suites.ts';
import { classification, flag, instant, positiveInteger, precedence, text } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const inboxVerb: Verb = {
  name: 'inbox',
  summary: 'list the cables this device may read, newest first',
  synopsis:
    '[--limit 50] [--before <cursor>] [--precedence P] [--classification C] [--unacknowledged] [--since <date>]',
  help: [
    '--limit <n>               cables per page, at most 100 (default 50)',
    '--before <cursor>         the next page (the cursor printed at the end of a page)',
    '--precedence <p>          only this precedence',
    '--classification <level>  only this classification',
    '--unacknowledged          only cables your organisation has not acknowledged',
    '--since <date>            only cables sent since (Unix seconds or 2026-11-28T14:00Z)',
    'Subjects show for cables this device has opened, and for cables of format 4 from their',
    'sealed summaries, opened here (listing subjects is logged and counted like reading);',
    'the server never holds them in clear.',
  ],
  options: {
    limit: { type: 'string' },
    before: { type: 'string' },
    precedence: { type: 'string' },
    classification: { type: 'string' },
    unacknowledged: { type: 'boolean' },
    since: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const limit = text(values, 'limit');
    const before = text(values, 'before');
    const p = text(values, 'precedence');
    const c = text(values, 'classification');
    const since = text(values, 'since');
    const filter: InboxFilter = {
      ...(limit ? { limit: positiveInteger(limit, 'limit', 100) } : {}),
      ...(before ? { before } : {}),
      ...(p ? { precedence: precedence(p) } : {}),
      ...(c ? { classification: classification(c) } : {}),
      ...(flag(values, 'unacknowledged') ? { unacknowledged: true } : {}),
      ...(since ? { since: instant(since, 'since') } : {}),
    };
    const session = await deviceSession(cli, profile);
    const page = await listInbox(session, filter, archiveOf(cli, session), {
      subjects: true,
      suite: (await nodeSuites()).xwing,
    });
    const items = page.items.map((item) => ({
      id: item.id,
      reference: item.reference,
      sentAt: item.header.sentAt,
      from: { org: item.header.org, user: item.header.sender.user, device: item.header.sender.device },
      classification: item.header.classification,
      precedence: item.header.precedence,
      role: item.role,
      acknowledged: item.acknowledged,
      verified: item.verified,
      ...(item.subject ? { subject: item.subject } : {}),
      ...(item.tags && item.tags.length > 0 ? { tags: item.tags } : {}),
      ...(item.subjectRefused ? { subjectRefused: item.subjectRefused } : {}),
    }));
    const lines = page.items.map((item) => {
      const h = item.header;
      const subject = !item.verified
        ? 'UNVERIFIED: the signature does not check out'
        : item.subjectRefused
          ? `SUMMARY REFUSED (${item.subjectRefused}): open the cable to check it`
          : item.subject
            ? `${item.subject}${item.tags && item.tags.length > 0 ? `  [${item.tags.join(', ')}]` : ''}`
            : '(not opened yet)';
      const ack = item.acknowledged ? 'acked' : item.role === 'action' ? 'TO ACK' : '';
      return [
        item.reference,
        formatDateTimeGroup(h.sentAt),
        h.precedence,
        h.classification,
        `${item.role}`,
        ack,
        subject,
      ]
        .filter((x) => x !== '')
        .join('  ');
    });
    if (lines.length === 0) lines.push('no cables');
    if (page.next) lines.push(`more: valise inbox --before ${page.next}`);
    return { json: { items, ...(page.next ? { next: page.next } : {}) }, text: lines };
  },
};
