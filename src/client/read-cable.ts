/**
 * Reads one cable: fetch it (the server hands this device its own wrap only, and logs the
 * fetch), then open it locally with `openCable`, which verifies the sender's chain to the
 * pinned root, the header signature, the content digest and the wrapped set against policy
 * before decrypting (docs/design.md §4). The opened cable is added to the local record.
 */

import { ROUTES } from '../core/api/routes.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import type { OpenedCable } from '../core/cable/open-cable.ts';
import { openCable } from '../core/cable/open-cable.ts';
import { formatReference } from '../core/cable/reference.ts';
import type { HpkeSuite } from '../core/crypto/hpke/hpke-suite.ts';
import { yearOf } from '../core/encoding/date-time-group.ts';
import type { CableArchive } from './cable-archive.ts';
import type { DeviceSession } from './open-session.ts';

export interface ReadCable {
  readonly reference: string;
  readonly cable: OpenedCable;
  /** The attachments the signed content describes; download one with `fetchAttachment`. */
  readonly attachments: readonly AttachmentDescriptor[];
}

export { fetchAttachment } from './fetch-attachment.ts';

export async function readCable(
  session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'clock'>,
  id: string,
  archive?: CableArchive,
  /** The X-Wing suite on this platform's primitives; the portable one by default. */
  suite?: HpkeSuite,
): Promise<ReadCable> {
  const { api, device, directory } = session;
  const { cable: sealed } = await api.call(ROUTES.cable, { params: { id } });
  const cable = await openCable(sealed, {
    directory,
    recipient: { device: device.device, privateKey: device.kemPrivateKey },
    ...(suite ? { suite } : {}),
  });
  const { header, content, signedBy } = cable;
  const reference = formatReference({ org: header.org, serial: header.serial, year: yearOf(header.sentAt) });
  await archive?.add({
    id: header.id,
    reference,
    classification: header.classification,
    precedence: header.precedence,
    sentAt: header.sentAt,
    subject: content.subject,
    tags: content.tags,
    body: content.body,
    signedBy: {
      org: signedBy.org.org,
      user: signedBy.user.user,
      name: signedBy.user.name,
      device: signedBy.device.device,
      label: signedBy.device.label,
    },
    openedAt: session.clock.nowSeconds(),
  });
  return { reference, cable, attachments: content.attachments };
}
