/**
 * Turns what a person types (a cable id, or a reference such as `DE/42/26`) into a cable
 * id. A reference is looked up in the local record of opened cables first, then in the
 * inbox, newest first, for a bounded number of pages.
 */

import { ROUTES } from '../core/api/routes.ts';
import { formatReference, parseReference } from '../core/cable/reference.ts';
import { EncodingError } from '../core/encoding/encoding-error.ts';
import { RANDOM_ID_PATTERN } from '../core/encoding/identifiers.ts';
import type { CableArchive } from './cable-archive.ts';
import { ClientError } from './client-error.ts';
import type { DeviceSession } from './open-session.ts';

const MAX_PAGES = 20;

export async function resolveCableId(
  session: Pick<DeviceSession, 'api'>,
  archive: CableArchive | undefined,
  idOrReference: string,
): Promise<string> {
  if (RANDOM_ID_PATTERN.test(idOrReference)) return idOrReference;
  let reference: string;
  try {
    reference = formatReference(parseReference(idOrReference, 'cable'));
  } catch (cause) {
    if (!(cause instanceof EncodingError)) throw cause;
    throw new ClientError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(idOrReference)} is neither a cable id nor a reference like DE/42/26`,
      {
        cause,
      },
    );
  }
  const archived = (await archive?.list())?.find((c) => c.reference === reference);
  if (archived) return archived.id;
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await session.api.call(ROUTES.inbox, { query: { limit: 100, before } });
    const item = answer.items.find((i) => i.reference === reference);
    if (item) return item.id;
    if (!answer.next) break;
    before = answer.next;
  }
  throw new ClientError(
    'NOT_FOUND',
    `no cable ${reference} in this device's inbox; check the reference, or use the cable id`,
  );
}
