/**
 * Sends a cable (docs/design.md §4): ask the server for the organisation's series head, seal once
 * for exactly the devices policy entitles at the synced directory's epoch, post it, and
 * check the server's signed receipt. When another device of the org took the serial first
 * the server answers 409 SERIES_CONFLICT with the current head: the cable is re-signed at
 * the next place (`resignCable`, no new sealing, the wraps bind the cable id, not the
 * serial) and posted again, a few times at most.
 */

import type { Receipt } from '../core/api/cable-routes.ts';
import { decodeSeriesHead, type SeriesHead } from '../core/api/directory-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import type { CableHeader } from '../core/cable/cable-header.ts';
import type {
  CableDraft,
  ContentDraft,
  ContentKeyWrapper,
  SeriesPosition,
} from '../core/cable/seal-cable.ts';
import { resignCable, sealCable } from '../core/cable/seal-cable.ts';
import { encodeSealedCable } from '../core/cable/sealed-cable.ts';
import { toBase64url } from '../core/encoding/bytes.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import { ClientError } from './client-error.ts';
import type { DeviceSession } from './open-session.ts';
import { type AttachmentInput, uploadAttachment } from './upload-attachment.ts';
import { verifyReceipt } from './verify-receipt.ts';

export interface SendRequest {
  readonly session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'network' | 'clock'>;
  /** The header fields; the date-time group is the clock's now. */
  readonly draft: Omit<CableDraft, 'sentAt'>;
  readonly content: ContentDraft;
  /** Files to seal, upload and describe in the content (each at most 25 MiB). */
  readonly attachments?: readonly AttachmentInput[];
  /** How many times to post before giving up on a busy series (default 5). */
  readonly attempts?: number;
  /** How to wrap the content key for each device (the platform's primitives); in-thread portable by default. */
  readonly wrapper?: ContentKeyWrapper;
}

export interface SentCable {
  readonly id: string;
  readonly reference: string;
  readonly header: CableHeader;
  readonly receipt: Receipt;
}

export async function sendCable(request: SendRequest): Promise<SentCable> {
  const { api, device, directory, network, clock } = request.session;
  const attempts = request.attempts ?? 5;
  const serverKey = network.serverKey;
  if (!serverKey) {
    throw new ClientError(
      'NOT_CONFIGURED',
      'no server receipt key is pinned in this profile; enrol the device again',
    );
  }
  const sentAt = clock.nowSeconds();
  const year = yearOf(sentAt);
  // Uploaded first: the server links a cable only to blobs it already holds.
  const uploaded: AttachmentDescriptor[] = [];
  for (const input of request.attachments ?? []) uploaded.push(await uploadAttachment(api, input));
  const content: ContentDraft =
    uploaded.length === 0
      ? request.content
      : { ...request.content, attachments: [...(request.content.attachments ?? []), ...uploaded] };
  const digests = (content.attachments ?? []).map((a) => toBase64url(a.digest));
  const head = await api.call(ROUTES.seriesHead, { params: { org: device.org } });
  let cable = await sealCable({
    draft: { ...request.draft, sentAt },
    content,
    sender: { user: device.user, device: device.device, signer: device.signer },
    directory,
    series: nextPosition(head, year),
    ...(request.wrapper ? { wrapper: request.wrapper } : {}),
  });

  for (let attempt = 1; ; attempt++) {
    let receipt: Receipt;
    try {
      ({ receipt } = await api.call(ROUTES.sendCable, {
        body:
          digests.length === 0
            ? { cable: encodeSealedCable(cable) }
            : { cable: encodeSealedCable(cable), attachments: digests },
      }));
    } catch (error) {
      if (!(error instanceof ClientError) || error.code !== 'SERIES_CONFLICT') throw error;
      if (attempt >= attempts) {
        throw new ClientError(
          'SERIES_BUSY',
          `${device.org}'s series kept moving during ${attempts} attempts; nothing was sent, try again`,
          { cause: error },
        );
      }
      const current =
        error.detail?.head === undefined
          ? await api.call(ROUTES.seriesHead, { params: { org: device.org } })
          : decodeConflictHead(error);
      cable = await resignCable(cable, nextPosition(current, year), device.signer);
      continue;
    }
    if (!(await verifyReceipt(receipt, cable, serverKey))) {
      throw new ClientError(
        'RECEIPT_INVALID',
        `the server's receipt for ${receipt.reference} does not verify under the pinned server key; do not assume the cable was stored, tell your security officer`,
      );
    }
    return { id: cable.header.id, reference: receipt.reference, header: cable.header, receipt };
  }
}

/**
 * The place after `head` for a cable dated in `year`: serials are gapless per org and
 * year, and `prev` chains to the org's last cable whatever its year.
 */
export function nextPosition(head: SeriesHead, year: number): SeriesPosition {
  const serial = head.year === year ? head.serial + 1 : 1;
  return head.hash ? { serial, prev: head.hash } : { serial };
}

function decodeConflictHead(error: ClientError): SeriesHead {
  try {
    return decodeSeriesHead(error.detail?.head, 'head');
  } catch (cause) {
    throw new ClientError('BAD_RESPONSE', 'the server answered SERIES_CONFLICT with a malformed head', {
      cause,
    });
  }
}
