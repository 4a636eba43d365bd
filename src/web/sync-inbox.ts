/**
 * Brings the local inbox up to date (docs/design.md §12: reopening is local and fast). Pages are
 * fetched newest first through src/client's listInbox, which checks every header's
 * signature against the verified directory, until a page holds nothing new; the result is
 * kept encrypted as one snapshot, so the next opening reads one record, not the server.
 */

import type { InboxEntry } from '../client/list-inbox.ts';
import { listInbox } from '../client/list-inbox.ts';
import type { DeviceSession } from '../client/open-session.ts';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import type { InboxRow } from './device-protocol.ts';
import { byPrecedenceThenTime } from './inbox-order.ts';
import type { InboxSnapshot, LocalArchive } from './local-archive.ts';

const PAGE = 100;
const MAX_PAGES = 1000;

export async function syncInbox(
  session: Pick<DeviceSession, 'api' | 'directory' | 'clock'>,
  archive: LocalArchive,
): Promise<InboxSnapshot> {
  const snapshot = await archive.inbox();
  const rows = new Map(snapshot.items.map((item) => [item.id, item]));
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await listInbox(session, { limit: PAGE, ...(before ? { before } : {}) });
    let fresh = false;
    for (const item of answer.items) {
      const known = rows.get(item.id);
      if (!known) fresh = true;
      // A cable this browser sent or opened before is in its archive: its subject is known.
      const archived = known ? undefined : await archive.get(item.id);
      rows.set(item.id, rowOf(item, known ?? (archived && { read: true, subject: archived.subject })));
    }
    // A snapshot kept before rows carried reply-to is brought up to date once, to its end.
    if ((!fresh && snapshot.rows === 2) || !answer.next) break;
    before = answer.next;
  }
  const next: InboxSnapshot = {
    items: [...rows.values()].sort(byPrecedenceThenTime),
    syncedAt: session.clock.nowSeconds(),
    rows: 2,
  };
  archive.setInbox(next);
  return next;
}

function rowOf(item: InboxEntry, known: Pick<InboxRow, 'read' | 'subject'> | undefined): InboxRow {
  const { header } = item;
  return {
    id: item.id,
    reference: item.reference,
    sentAt: header.sentAt,
    dtg: formatDateTimeGroup(header.sentAt),
    precedence: header.precedence,
    classification: header.classification,
    markings: header.markings,
    from: header.org,
    role: item.role,
    acknowledged: item.acknowledged,
    ...(item.role === 'sender' && item.acks !== undefined
      ? { acks: { done: item.acks, of: addresseeOrgs(header.distribution, header.org) } }
      : {}),
    verified: item.verified,
    ...(header.replyTo !== undefined ? { replyTo: header.replyTo } : {}),
    ...(header.silence !== undefined ? { silence: header.silence } : {}),
    read: known?.read ?? false,
    ...(known?.subject ? { subject: known.subject } : {}),
  };
}

/** How many organisations other than the sender's the cable is addressed to. */
function addresseeOrgs(distribution: readonly { readonly org: string }[], sender: string): number {
  return new Set(distribution.map((d) => d.org).filter((org) => org !== sender)).size;
}
