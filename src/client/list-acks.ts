/** Who has and who has not acknowledged a cable the caller's organisation sent. */

import type { AckStatus } from './api-answers.ts';
import { decodeAckList } from './api-answers.ts';
import type { DeviceSession } from './open-session.ts';

export async function listAcks(
  session: Pick<DeviceSession, 'api'>,
  id: string,
): Promise<readonly AckStatus[]> {
  const answer = await session.api.get(`/api/v1/cables/${encodeURIComponent(id)}/acks`, decodeAckList);
  return answer.items;
}
