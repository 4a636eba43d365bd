/** The devices of an organisation as the server lists them (security officers, network authority). */

import type { DeviceListItem } from './api-answers.ts';
import { decodeDeviceList } from './api-answers.ts';
import type { DeviceSession } from './open-session.ts';

export async function listDevices(
  session: Pick<DeviceSession, 'api' | 'device'>,
  org?: string,
): Promise<readonly DeviceListItem[]> {
  const answer = await session.api.get('/api/v1/devices', decodeDeviceList, {
    org: org ?? session.device.org,
  });
  return answer.items;
}
