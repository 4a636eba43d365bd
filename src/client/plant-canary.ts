/**
 * Plants a canary cable (docs/design.md §9): seals and sends an ordinary cable from the
 * officer's device to their own organisation (its working groups, if given), exactly as
 * `valise send` would, so nothing in it or its header says "canary"; then marks it as a
 * canary watching the named people and groups, which only the watch's records hold.
 */
import { ROUTES } from '../core/api/routes.ts';
import type { Canary, CanaryTargets } from '../core/api/watch-routes.ts';
import type { ContentKeyWrapper } from '../core/cable/seal-cable.ts';
import type { Classification } from '../core/identity/classification.ts';
import type { DeviceSession } from './open-session.ts';
import { type SentCable, sendCable } from './send-cable.ts';

export interface CanaryRequest {
  readonly session: Pick<DeviceSession, 'api' | 'device' | 'directory' | 'network' | 'clock'>;
  readonly targets: CanaryTargets;
  readonly subject: string;
  readonly body: string;
  readonly classification: Classification;
  /** Why the officer plants it: goes into the log. */
  readonly reason: string;
  readonly wrapper?: ContentKeyWrapper;
}

export async function plantCanary(request: CanaryRequest): Promise<{ sent: SentCable; canary: Canary }> {
  const { session, targets } = request;
  const sent = await sendCable({
    session,
    draft: {
      classification: request.classification,
      precedence: 'ROUTINE',
      distribution: [{ org: session.device.org, role: 'info' }],
      groups: [...targets.groups].sort(),
    },
    content: { subject: request.subject, body: request.body, tags: [] },
    ...(request.wrapper ? { wrapper: request.wrapper } : {}),
  });
  const canary = await session.api.call(ROUTES.plantCanary, {
    body: {
      cable: sent.id,
      targets: { users: [...targets.users], groups: [...targets.groups] },
      reason: request.reason,
    },
  });
  return { sent, canary };
}
