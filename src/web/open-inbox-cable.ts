/**
 * Opens one cable for the cable view: src/client's readCable fetches it (the server logs the
 * fetch) and core's openCable verifies everything before decrypting. A failure is shown with
 * its CableError code and never with text; a cable the server will not hand this device is
 * answered the same whether it exists or not (policy decides who may know it exists).
 * When the server cannot be reached, a cable this browser opened before is shown from its
 * own encrypted copy, marked as such; any other is a plain-words failure, never a spinner.
 */

import { ClientError } from '../client/client-error.ts';
import type { DeviceSession } from '../client/open-session.ts';
import { presentCable } from '../client/present-cable.ts';
import { readCable } from '../client/read-cable.ts';
import type { AttachmentDescriptor } from '../core/cable/cable-content.ts';
import { CableError } from '../core/cable/cable-error.ts';
import { RANDOM_ID_PATTERN } from '../core/encoding/identifiers.ts';
import type { CableView } from './device-protocol.ts';
import type { LocalArchive } from './local-archive.ts';

const NOT_AVAILABLE =
  'No cable with this id is available to this device. Either it does not exist or you are not entitled to it; Valise does not say which.';

export async function openInboxCable(
  session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'clock'>,
  archive: LocalArchive,
  id: string,
  remember?: (attachments: readonly AttachmentDescriptor[]) => void,
): Promise<CableView> {
  if (!RANDOM_ID_PATTERN.test(id)) return { ok: false, id, code: 'NOT_FOUND', message: NOT_AVAILABLE };
  const snapshot = await archive.inbox();
  const row = snapshot.items.find((i) => i.id === id);
  try {
    const read = await readCable(session, id, archive);
    const { header, content } = read.cable;
    remember?.(content.attachments);
    archive.setInbox({
      ...snapshot,
      items: snapshot.items.map((i) => {
        if (i.id !== id) return i;
        // Opened, the cable's own subject and tags stand (opening checked any summary against them).
        const { summaryRefused: _refused, ...row } = i;
        return { ...row, read: true, subject: content.subject, tags: content.tags };
      }),
    });
    const presented = presentCable({ ...read, directory: session.directory });
    await archive.putView(presented);
    return {
      ok: true,
      ...presented,
      role: row?.role ?? (header.org === session.device.org ? 'sender' : 'info'),
      acknowledged: row?.acknowledged ?? false,
      isSender: header.org === session.device.org,
    };
  } catch (error) {
    const reference = row?.reference;
    if (error instanceof CableError) {
      return { ok: false, id, code: error.code, message: error.message, ...(reference ? { reference } : {}) };
    }
    if (error instanceof ClientError && error.code === 'NOT_FOUND') {
      return { ok: false, id, code: 'NOT_FOUND', message: NOT_AVAILABLE };
    }
    if (error instanceof ClientError && error.code === 'SERVER_UNREACHABLE') {
      const kept = await archive.view(id);
      if (kept) {
        return {
          ok: true,
          ...kept,
          role: row?.role ?? 'info',
          acknowledged: row?.acknowledged ?? false,
          isSender: kept.from === session.device.org,
          offline: true,
        };
      }
      return {
        ok: false,
        id,
        code: 'SERVER_UNREACHABLE',
        message:
          'The Valise server cannot be reached, and this browser has not opened this cable before. Try again when the connection is back; nothing is lost.',
        ...(reference ? { reference } : {}),
      };
    }
    throw error;
  }
}
