/**
 * Brings the local inbox up to date (docs/design.md §12: reopening is local and fast). Pages are
 * fetched newest first through src/client's listInbox, which checks every header's
 * signature against the verified directory, until a page holds nothing new; the result is
 * kept encrypted as one snapshot, so the next opening reads one record, not the server.
 *
 * Subjects: a cable this browser opened or sent has its subject in the local archive; a
 * format-4 cable's subject and tags are listed from its sealed summary (client/list-subjects,
 * opened here in the worker), once: the snapshot keeps them, so a listing the server logs
 * and meters is never asked for twice. A cable this device sent is read: its sender knows it.
 * One sync lists at most SUBJECTS_PER_SYNC subjects, newest first: the watch counts a
 * device's first listing of each subject against its role's limits (a member is alerted past
 * 120 in a minute), and a device that comes back to hundreds of cables (after a re-wrap, or a
 * long time offline) must not be stopped for catching up. Older ones show their subject
 * when opened, as cables of earlier formats do.
 */

import type { InboxEntry } from '../client/list-inbox.ts';
import { listInbox } from '../client/list-inbox.ts';
import { hasSealedSummary, listSubjects } from '../client/list-subjects.ts';
import type { DeviceSession } from '../client/open-session.ts';
import { formatDateTimeGroup } from '../core/encoding/date-time-group.ts';
import type { InboxRow } from './device-protocol.ts';
import { byPrecedenceThenTime } from './inbox-order.ts';
import type { InboxSnapshot, LocalArchive } from './local-archive.ts';

const PAGE = 100;
const MAX_PAGES = 1000;
/** Below a member's one-minute alert for listed subjects (core/watch/read-thresholds.ts). */
export const SUBJECTS_PER_SYNC = 100;

export async function syncInbox(
  session: Pick<DeviceSession, 'api' | 'directory' | 'clock' | 'device'>,
  archive: LocalArchive,
): Promise<InboxSnapshot> {
  const snapshot = await archive.inbox();
  const rows = new Map(snapshot.items.map((item) => [item.id, item]));
  const me = session.device.device;
  const unlisted: InboxEntry[] = [];
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await listInbox(session, { limit: PAGE, ...(before ? { before } : {}) });
    let fresh = false;
    for (const item of answer.items) {
      const known = rows.get(item.id);
      if (!known) fresh = true;
      // A cable this browser sent or opened before is in its archive: its subject is known.
      // (A cable sent here may reach the snapshot before its sending finished: look again.)
      const look = !known || (known.subject === undefined && item.header.sender.device === me);
      const archived = look ? await archive.get(item.id) : undefined;
      const row = rowOf(
        item,
        me,
        archived ? { read: true, subject: archived.subject, tags: archived.tags } : known,
      );
      rows.set(item.id, row);
      if (needsListing(row, item)) unlisted.push(item);
    }
    // A snapshot kept before rows carried reply-to is brought up to date once, to its end.
    if ((!fresh && snapshot.rows === 2) || !answer.next) break;
    before = answer.next;
  }
  // One listing for what has no subject yet; each summary is checked and opened here.
  const listed = await listSubjects(session, unlisted.slice(0, SUBJECTS_PER_SYNC));
  for (const [id, got] of listed) {
    const row = rows.get(id);
    if (!row) continue;
    rows.set(
      id,
      got.ok
        ? { ...row, subject: got.summary.subject, tags: got.summary.tags }
        : { ...row, summaryRefused: got.code },
    );
  }
  const next: InboxSnapshot = {
    items: [...rows.values()].sort(byPrecedenceThenTime),
    syncedAt: session.clock.nowSeconds(),
    rows: 2,
  };
  archive.setInbox(next);
  // Listed subjects and tags are searchable too (search-index.ts), the body once opened.
  await archive.indexListed(next.items);
  return next;
}

/** A verified format-4 cable with no subject yet, whose summary was not refused before. */
function needsListing(row: InboxRow, item: InboxEntry): boolean {
  return (
    row.verified && row.subject === undefined && row.summaryRefused === undefined && hasSealedSummary(item)
  );
}

function rowOf(
  item: InboxEntry,
  me: string,
  known: Pick<InboxRow, 'read' | 'subject' | 'tags' | 'summaryRefused'> | undefined,
): InboxRow {
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
    // The sender knows what it sent: a cable this device sent is never unread here.
    read: (known?.read ?? false) || header.sender.device === me,
    ...(known?.subject ? { subject: known.subject } : {}),
    ...(known?.subject && known.tags && known.tags.length > 0 ? { tags: known.tags } : {}),
    ...(known?.summaryRefused ? { summaryRefused: known.summaryRefused } : {}),
  };
}

/** How many organisations other than the sender's the cable is addressed to. */
function addresseeOrgs(distribution: readonly { readonly org: string }[], sender: string): number {
  return new Set(distribution.map((d) => d.org).filter((org) => org !== sender)).size;
}
