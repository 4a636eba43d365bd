/** Acknowledges a cable for this device's organisation (idempotent per organisation). */

import type { AckAnswer } from './api-answers.ts';
import { decodeAckAnswer } from './api-answers.ts';
import type { DeviceSession } from './open-session.ts';

export function acknowledge(session: Pick<DeviceSession, 'api'>, id: string): Promise<AckAnswer> {
  return session.api.request({
    method: 'POST',
    path: `/api/v1/cables/${encodeURIComponent(id)}/ack`,
    decode: decodeAckAnswer,
  });
}
