/** Who has and who has not acknowledged a cable the caller's organisation sent. */

import type { AckStatus } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { DeviceSession } from './open-session.ts';

export async function listAcks(
  session: Pick<DeviceSession, 'api'>,
  id: string,
): Promise<readonly AckStatus[]> {
  const answer = await session.api.call(ROUTES.acks, { params: { id } });
  return answer.items;
}
