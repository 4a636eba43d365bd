/**
 * Sends a cable (docs/design.md §4): ask the server for the organisation's series head, seal once
 * for exactly the devices policy entitles at the synced directory's epoch, post it, and
 * check the server's signed receipt. When another device of the org took the serial first
 * the server answers 409 SERIES_CONFLICT with the current head: the cable is re-signed at
 * the next place (`resignCable`, no new sealing, the wraps bind the cable id, not the
 * serial) and posted again, a few times at most. When the directory moved on since the
 * device synced, the server answers 409 EPOCH_STALE with the current epoch (docs/design.md
 * §6): the device re-syncs (`resync`) and re-wraps the same content for the devices entitled
 * now (`rewrapCable`: new devices get a wrap, revoked ones lose theirs, nothing is encrypted
 * again), then posts again.
 */

import type { Receipt } from '../core/api/cable-routes.ts';
import { decodeSeriesHead, type SeriesHead } from '../core/api/directory-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import type { CableHeader } from '../core/cable/cable-header.ts';
import { rewrapCable } from '../core/cable/rewrap-cable.ts';
import type {
  CableDraft,
  ContentDraft,
  ContentKeyWrapper,
  SeriesPosition,
} from '../core/cable/seal-cable.ts';
import { resignCable, sealCableKeepingKey } from '../core/cable/seal-cable.ts';
import { sealedCableDocument } from '../core/cable/sealed-cable.ts';
import { toBase64url } from '../core/encoding/bytes.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import type { Directory } from '../core/identity/directory.ts';
import { ClientError } from './client-error.ts';
import type { DeviceSession } from './open-session.ts';
import { type AttachmentInput, uploadAttachment } from './upload-attachment.ts';
import { verifyReceipt } from './verify-receipt.ts';

export interface SendRequest {
  readonly session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'network' | 'clock'> &
    Partial<Pick<DeviceSession, 'witnessed' | 'witness'>>;
  /** The header fields; the date-time group is the clock's now. */
  readonly draft: Omit<CableDraft, 'sentAt'>;
  readonly content: ContentDraft;
  /** Files to seal, upload and describe in the content (each at most 25 MiB). */
  readonly attachments?: readonly AttachmentInput[];
  /** How many times to post before giving up on a busy series (default 5). */
  readonly attempts?: number;
  /** How to wrap the content key for each device (the platform's primitives); in-thread portable by default. */
  readonly wrapper?: ContentKeyWrapper;
  /**
   * Syncs and verifies the directory again, ideally up to `epoch` (the server's, from an
   * EPOCH_STALE answer; see `directoryAtLeast`). Without it a stale epoch is the caller's error.
   */
  readonly resync?: (epoch: number) => Promise<Directory>;
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
  // The content key is kept (in memory, on this device) only until the cable is accepted.
  let { cable, contentKey } = await sealCableKeepingKey({
    draft: { ...request.draft, sentAt },
    content,
    sender: { user: device.user, device: device.device, signer: device.signer },
    directory,
    series: nextPosition(head, year),
    ...(request.wrapper ? { wrapper: request.wrapper } : {}),
  });
  checkWitnessed(
    request.session,
    cable.wraps.map((w) => w.device),
  );
  try {
    for (let attempt = 1; ; attempt++) {
      let receipt: Receipt;
      try {
        ({ receipt } = await api.call(ROUTES.sendCable, {
          body:
            digests.length === 0
              ? { cable: sealedCableDocument(cable) }
              : { cable: sealedCableDocument(cable), attachments: digests },
        }));
      } catch (error) {
        if (!(error instanceof ClientError)) throw error;
        if (error.code !== 'SERIES_CONFLICT' && !(error.code === 'EPOCH_STALE' && request.resync))
          throw error;
        if (attempt >= attempts) {
          throw new ClientError(
            error.code === 'SERIES_CONFLICT' ? 'SERIES_BUSY' : 'EPOCH_STALE',
            error.code === 'SERIES_CONFLICT'
              ? `${device.org}'s series kept moving during ${attempts} attempts; nothing was sent, try again`
              : `the directory kept changing during ${attempts} attempts; nothing was sent, try again`,
            { cause: error },
          );
        }
        if (error.code === 'EPOCH_STALE' && request.resync) {
          // docs/design.md §6: wrap for the devices entitled now, same content, same place.
          const newer = await request.resync(conflictEpoch(error));
          cable = await rewrapCable({
            cable,
            contentKey,
            directory: newer,
            signer: device.signer,
            ...(request.wrapper ? { wrapper: request.wrapper } : {}),
          });
          checkWitnessed(
            request.session,
            cable.wraps.map((w) => w.device),
          );
          continue;
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
  } finally {
    contentKey.fill(0);
  }
}

/**
 * docs/design.md §8: no content key goes to a device the witness quorum has not seen
 * certified; a server showing this device alone a rogue device gets no wrap for it.
 * (A revocation not yet witnessed narrows the set at once: that can only withhold.)
 */
function checkWitnessed(session: SendRequest['session'], devices: readonly string[]): void {
  const { witness, witnessed } = session;
  if (witness?.kind !== 'WITNESSES_LAG' || !witnessed) return;
  const waiting = devices.filter((id) => !witnessed.device(id));
  if (waiting.length === 0) return;
  throw new ClientError(
    'WITNESSES_LAG',
    `this cable would be wrapped for ${waiting.length} ${waiting.length === 1 ? 'device' : 'devices'} (${waiting.join(', ')}) that the witnesses have not cosigned yet: ${witness.message}; nothing was sent, try again shortly`,
  );
}

/**
 * Syncs with `sync` until the directory reaches `epoch`: a server's newest entries are
 * verifiable once a checkpoint commits them, which takes up to the log's checkpoint interval.
 * Waits `wait()` between tries and gives up after `tries`, answering the newest directory
 * (the server then says again which epoch it needs).
 */
export async function directoryAtLeast(
  sync: () => Promise<Directory>,
  epoch: number,
  wait: () => Promise<void>,
  tries = 10,
): Promise<Directory> {
  let directory = await sync();
  for (let i = 1; i < tries && directory.epoch < epoch; i++) {
    await wait();
    directory = await sync();
  }
  return directory;
}

function conflictEpoch(error: ClientError): number {
  const epoch = error.detail?.epoch;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 1) {
    throw new ClientError('BAD_RESPONSE', 'the server answered EPOCH_STALE without a valid epoch', {
      cause: error,
    });
  }
  return epoch;
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
