/**
 * Lists this device's inbox (newest first) and checks each header's signature against the
 * verified directory, so a header the server made up is shown as unverified rather than
 * trusted. Subjects come from the local record of cables already opened: the server never
 * has them in clear.
 */

import type { InboxItem } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { CableHeader } from '../core/cable/cable-header.ts';
import { encodeHeader } from '../core/cable/cable-header.ts';
import type { Precedence } from '../core/cable/precedence.ts';
import { formatReference } from '../core/cable/reference.ts';
import { verifyLabelled } from '../core/crypto/ed25519.ts';
import { LABELS } from '../core/crypto/labels.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import type { Classification } from '../core/identity/classification.ts';
import type { Directory } from '../core/identity/directory.ts';
import type { CableArchive } from './cable-archive.ts';
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
  /** Known when this device has opened the cable before. */
  readonly subject?: string;
}

export interface InboxPage {
  readonly items: readonly InboxEntry[];
  readonly next?: string;
}

export async function listInbox(
  session: Pick<DeviceSession, 'api' | 'directory'>,
  filter: InboxFilter = {},
  archive?: CableArchive,
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
  return { items, ...(answer.next ? { next: answer.next } : {}) };
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
