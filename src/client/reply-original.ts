/**
 * The cable a reply answers, as this device knows it: its header from the inbox (each header's
 * signature checked against the verified directory; an unverified one is never a base) and its
 * subject from the local record when this device opened it. A reply starts from it
 * (core/cable/reply.ts) and is checked against it before sealing, so a downgrade is refused
 * here with the server's own code, before any sealing work.
 */

import { formatReference, parseReference } from '../core/cable/reference.ts';
import { isReplyDowngrade, type ReplyOriginal, replyDowngradeMessage } from '../core/cable/reply.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import type { Classification } from '../core/identity/classification.ts';
import type { CableArchive } from './cable-archive.ts';
import { ClientError } from './client-error.ts';
import { listInbox } from './list-inbox.ts';
import type { DeviceSession } from './open-session.ts';

const MAX_PAGES = 20;

export interface KnownOriginal extends ReplyOriginal {
  readonly id: string;
  readonly reference: string;
  /** Known when this device opened the original. */
  readonly subject?: string;
}

/** The original named `reference`, or undefined when this device's inbox does not hold it. */
export async function findReplyOriginal(
  session: Pick<DeviceSession, 'api' | 'directory'>,
  archive: CableArchive | undefined,
  reference: string,
): Promise<KnownOriginal | undefined> {
  let canonical: string;
  try {
    canonical = formatReference(parseReference(reference, 'replyTo'));
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'INVALID_ARGUMENT',
      `reply-to must be a reference such as DE/42/26, not ${JSON.stringify(reference)}`,
      { cause },
    );
  }
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await listInbox(session, { limit: 100, ...(before ? { before } : {}) });
    const item = answer.items.find((i) => i.reference === canonical && i.verified);
    if (item) {
      const { header } = item;
      const subject = (await archive?.list())?.find((c) => c.id === item.id)?.subject;
      return {
        id: item.id,
        reference: canonical,
        org: header.org,
        classification: header.classification,
        distribution: header.distribution,
        groups: header.groups,
        ...(subject ? { subject } : {}),
      };
    }
    if (!answer.next) break;
    before = answer.next;
  }
  return undefined;
}

/** Refuses, with the server's code, a reply classified lower than its original. */
export function checkReplyLevel(
  original: Pick<KnownOriginal, 'reference' | 'classification'>,
  level: Classification,
): void {
  if (isReplyDowngrade(original.classification, level)) {
    throw new ClientError(
      'REPLY_DOWNGRADE',
      replyDowngradeMessage(original.reference, original.classification, level),
    );
  }
}
