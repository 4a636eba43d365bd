/** Acknowledges a cable for this device's organisation (idempotent per organisation). */

import type { AckAnswer } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import type { DeviceSession } from './open-session.ts';

export function acknowledge(session: Pick<DeviceSession, 'api'>, id: string): Promise<AckAnswer> {
  return session.api.call(ROUTES.acknowledge, { params: { id } });
}
