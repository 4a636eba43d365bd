/** The devices of an organisation as the server lists them (security officers, network authority). */

import type { DeviceListItem } from '../core/api/directory-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { DeviceSession } from './open-session.ts';

export async function listDevices(
  session: Pick<DeviceSession, 'api' | 'device'>,
  org?: string,
): Promise<readonly DeviceListItem[]> {
  const answer = await session.api.call(ROUTES.devices, {
    query: {
      org: org ?? session.device.org,
    },
  });
  return answer.items;
}
