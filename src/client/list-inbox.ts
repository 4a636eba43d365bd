/**
 * Lists this device's inbox (newest first) and checks each header's signature against the
 * verified directory, so a header the server made up is shown as unverified rather than
 * trusted. Subjects come from the local record of cables already opened and, when asked,
 * from the sealed summaries of format-4 cables (list-subjects.ts: a listing the server logs
 * and meters like reads): the server never has them in clear.
 */

import type { InboxItem } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { CableHeader } from '../core/cable/cable-header.ts';
import { encodeHeader } from '../core/cable/cable-header.ts';
import type { Precedence } from '../core/cable/precedence.ts';
import { formatReference } from '../core/cable/reference.ts';
import { verifyLabelled } from '../core/crypto/ed25519.ts';
import type { HpkeSuite } from '../core/crypto/hpke/hpke-suite.ts';
import { LABELS } from '../core/crypto/labels.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import type { Classification } from '../core/identity/classification.ts';
import type { Directory } from '../core/identity/directory.ts';
import type { CableArchive } from './cable-archive.ts';
import { listSubjects } from './list-subjects.ts';
import type { DeviceSession } from './open-session.ts';

export interface InboxFilter {
  readonly limit?: number;
  /** The `next` cursor of a previous page. */
  readonly before?: string;
  readonly precedence?: Precedence;
  readonly classification?: Classification;
  readonly unacknowledged?: boolean;
  /** Unix seconds. */
  readonly since?: number;
}

export interface InboxEntry extends InboxItem {
  /** The header's signature verifies under its sender's certified key. */
  readonly verified: boolean;
  /** Known when this device has opened the cable before, or listed its sealed summary. */
  readonly subject?: string;
  /** The tags, known with a listed summary. */
  readonly tags?: readonly string[];
  /** Why a listed summary could not be shown (a CableError code); the subject is then absent. */
  readonly subjectRefused?: string;
}

export interface ListOptions {
  /** Also list the subjects of format-4 cables not opened yet (logged and metered). */
  readonly subjects?: boolean;
  /** The X-Wing suite on this platform's primitives, for unwrapping. */
  readonly suite?: HpkeSuite;
}

export interface InboxPage {
  readonly items: readonly InboxEntry[];
  readonly next?: string;
}

export async function listInbox(
  session: Pick<DeviceSession, 'api' | 'directory'> & Partial<Pick<DeviceSession, 'device'>>,
  filter: InboxFilter = {},
  archive?: CableArchive,
  options: ListOptions = {},
): Promise<InboxPage> {
  const answer = await session.api.call(ROUTES.inbox, {
    query: {
      limit: filter.limit,
      before: filter.before,
      precedence: filter.precedence,
      classification: filter.classification,
      unacknowledged: filter.unacknowledged,
      since: filter.since,
    },
  });
  const opened = new Map((await archive?.list())?.map((c) => [c.id, c.subject]));
  const items = await Promise.all(
    answer.items.map(async (item): Promise<InboxEntry> => {
      const verified = await verifyHeader(session.directory, item);
      const subject = verified ? opened.get(item.id) : undefined;
      return { ...item, verified, ...(subject ? { subject } : {}) };
    }),
  );
  const { device } = session;
  if (!options.subjects || !device) return { items, ...(answer.next ? { next: answer.next } : {}) };
  const unknown = items.filter((item) => item.verified && item.subject === undefined);
  const listed = await listSubjects({ ...session, device }, unknown, options.suite);
  const withSubjects = items.map((item): InboxEntry => {
    // Only the verified headers were asked for; another item under the same id (a header
    // the server forged) never takes their subject.
    const got = unknown.includes(item) ? listed.get(item.id) : undefined;
    if (!got) return item;
    return got.ok
      ? { ...item, subject: got.summary.subject, tags: got.summary.tags }
      : { ...item, subjectRefused: got.code };
  });
  return { items: withSubjects, ...(answer.next ? { next: answer.next } : {}) };
}

/** The item is the header it carries, signed by a device certified at the header's epoch. */
async function verifyHeader(directory: Directory, item: InboxItem): Promise<boolean> {
  const header: CableHeader = item.header;
  if (item.id !== header.id) return false;
  if (
    item.reference !==
    formatReference({ org: header.org, serial: header.serial, year: yearOf(header.sentAt) })
  ) {
    return false;
  }
  if (header.epoch > directory.epoch) return false;
  const sender = directory.device(header.sender.device, header.epoch);
  if (!sender || sender.user.user !== header.sender.user || sender.org.org !== header.org) return false;
  return verifyLabelled(sender.device.signingKey, LABELS.cableHeader, encodeHeader(header), item.signature);
}
