/**
 * Reading cables in the worker: the inbox (synced into the local archive, or as the archive
 * has it), opening a cable (verified and decrypted here, never on the page), its attachments,
 * acknowledging, who acknowledged, and local search.
 */
import { acknowledge } from '../client/acknowledge.ts';
import { ClientError } from '../client/client-error.ts';
import { acknowledgedBy, listAcks } from '../client/list-acks.ts';
import { fetchAttachment } from '../client/read-cable.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import { describeLimit } from '../core/cable/escalation.ts';
import type { DeviceContext } from './device-context.ts';
import type { CableView, DeliveryBoardView, FileInput, InboxView, SearchHit } from './device-protocol.ts';
import { openInboxCable } from './open-inbox-cable.ts';
import { syncInbox } from './sync-inbox.ts';

/** The attachment descriptors (keys included) of the cables opened this session, by cable id. */
export type OpenedAttachments = Map<string, readonly AttachmentDescriptor[]>;

export async function inbox(device: DeviceContext, refresh: boolean): Promise<InboxView> {
  const { archive } = await device.open();
  const snapshot = refresh ? await syncInbox(await device.fresh(), archive) : await archive.inbox();
  return { items: snapshot.items, syncedAt: snapshot.syncedAt };
}

export async function readCable(
  device: DeviceContext,
  opened: OpenedAttachments,
  id: string,
): Promise<CableView> {
  const { archive } = await device.open();
  const remember = (attachments: readonly AttachmentDescriptor[]) => {
    opened.set(id, attachments);
  };
  const view = await openInboxCable(await device.fresh(), archive, id, remember);
  // A cable sealed at an epoch newer than the directory this device synced a moment ago
  // (docs/design.md §6): sync now and verify once more, rather than show a false refusal.
  if (!view.ok && view.code === 'UNKNOWN_DEVICE') {
    return openInboxCable(await device.fresh(0), archive, id, remember);
  }
  return view;
}

export async function attachment(
  device: DeviceContext,
  opened: OpenedAttachments,
  id: string,
  index: number,
): Promise<FileInput> {
  const descriptor = opened.get(id)?.[index];
  if (!descriptor)
    throw new ClientError('INVALID_ARGUMENT', 'open the cable again, then download its attachment');
  const data = await fetchAttachment(device.live(), id, descriptor);
  return { name: descriptor.name, type: descriptor.type, data };
}

export async function acknowledgeCable(device: DeviceContext, id: string): Promise<void> {
  await acknowledge(device.live(), id);
  const { archive } = await device.open();
  const snapshot = await archive.inbox();
  archive.setInbox({
    ...snapshot,
    items: snapshot.items.map((i) => (i.id === id ? { ...i, acknowledged: true } : i)),
  });
}

export async function acks(device: DeviceContext, id: string): Promise<DeliveryBoardView> {
  const board = await listAcks(device.live(), id);
  return {
    precedence: board.precedence,
    ...(board.limit ? { limit: describeLimit(board.limit) } : {}),
    now: board.now,
    items: board.items.map((a) => {
      const by = acknowledgedBy(a);
      return {
        org: a.org,
        role: a.role,
        acknowledged: a.acknowledged,
        ...(by === undefined ? {} : { by }),
        ...(a.at === undefined ? {} : { at: a.at }),
        ...(a.delivered ? { delivered: a.delivered.at } : {}),
        ...(a.due === undefined ? {} : { due: a.due }),
        overdue: a.overdue,
        ...(a.escalated === undefined ? {} : { escalated: a.escalated }),
      };
    }),
  };
}

export async function search(device: DeviceContext, query: string): Promise<readonly SearchHit[]> {
  const index = await (await device.open()).archive.index();
  return index.search(query, 50);
}
