/**
 * The sender's delivery board of a cable the caller's organisation sent (docs/design.md §2):
 * per addressee, delivered (first fetch), acknowledged (by whom, when), due and overdue by
 * the server's clock, each checked against the audit log; and the board as lines of plain
 * words, the same for every client.
 */

import type { AckBoard, AckStatus } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import { describeLimit } from '../core/cable/escalation.ts';
import type { LogEvent } from '../core/log/log-event.ts';
import { ClientError } from './client-error.ts';
import { checkCheckpoint, rememberCheckpoint } from './follow-log.ts';
import type { DeviceSession } from './open-session.ts';
import { provenEvent } from './proven-event.ts';

/**
 * The board, believed only as far as the log proves it: every delivery, acknowledgement and
 * escalation it shows must be an event proven in a checkpoint signed by the pinned log key
 * and consistent with what this device saw (docs/design.md §8), naming this cable, that
 * organisation, that device or user and that second. A server can still withhold an event
 * (the board then shows less, the safe direction: the sender chases), never invent one.
 */
export async function listAcks(
  session: Pick<DeviceSession, 'api' | 'store' | 'network'>,
  id: string,
): Promise<AckBoard> {
  const { api, store, network } = session;
  if (!network.log) throw new ClientError('NOT_CONFIGURED', 'this profile has no pinned audit log');
  const board = await api.call(ROUTES.acks, { params: { id } });
  const view = await checkCheckpoint(
    api,
    network.log,
    board.checkpoint.note,
    await store.loadCheckpoint?.('seen'),
  );
  const { size, rootHash } = view.checkpoint;
  const events = board.events.map((item) =>
    provenEvent(item, { size, rootHash }, `event ${item.leaf} of the delivery board of ${id}`),
  );
  await rememberCheckpoint(store, view);
  const proves = (check: (event: LogEvent) => boolean) => events.some((e) => e.object.id === id && check(e));
  for (const item of board.items) {
    const { delivered, at, escalated } = item;
    const by = acknowledgedBy(item);
    const unproven = [
      delivered &&
        !proves(
          (e) =>
            e.type === 'cable.fetched' &&
            e.actor.org === item.org &&
            e.actor.device === delivered.device &&
            e.at === delivered.at,
        ) &&
        'delivered',
      item.acknowledged &&
        !proves(
          (e) =>
            e.type === 'cable.acknowledged' &&
            e.actor.org === item.org &&
            e.at === at &&
            (by === undefined || e.actor.user === by) &&
            (typeof item.by !== 'object' ||
              item.by.device === undefined ||
              e.actor.device === item.by.device),
        ) &&
        'acknowledged',
      escalated !== undefined &&
        !proves((e) => e.type === 'cable.overdue' && e.detail.org === item.org && e.at === escalated) &&
        'escalated',
    ].filter((word) => typeof word === 'string');
    if (unproven.length > 0) {
      throw new ClientError(
        'LOG_PROOF_INVALID',
        `the server says ${item.org} was ${unproven.join(' and ')} for cable ${id}, but its audit log does not prove it; do not rely on the board, tell your security officer`,
      );
    }
  }
  return board;
}

/** Who acknowledged for an organisation, as a user id. */
export function acknowledgedBy(status: AckStatus): string | undefined {
  if (status.by === undefined) return undefined;
  return typeof status.by === 'string' ? status.by : status.by.user;
}

/** The board's heading: the precedence and its limit. */
export function boardHeading(board: AckBoard): string {
  return board.limit
    ? `${board.precedence}: action addressees acknowledge within ${describeLimit(board.limit)}`
    : `${board.precedence}: no escalation`;
}

/** One addressee in plain words: delivered, acknowledged, overdue. */
export function addresseeWords(
  status: AckStatus,
  time: (seconds: number) => string,
): {
  readonly delivered: string;
  readonly acknowledged: string;
  readonly overdue: string | undefined;
} {
  const by = acknowledgedBy(status);
  return {
    delivered: status.delivered ? `delivered ${time(status.delivered.at)}` : 'not delivered yet',
    acknowledged: status.acknowledged
      ? `acknowledged${by ? ` by ${by}` : ''}${status.at !== undefined ? ` ${time(status.at)}` : ''}`
      : status.role === 'info'
        ? 'not acknowledged (info: none needed)'
        : `not acknowledged${status.due !== undefined && !status.overdue ? `, due ${time(status.due)}` : ''}`,
    overdue: status.overdue
      ? `OVERDUE since ${time(status.due ?? status.escalated ?? 0)}${status.escalated !== undefined ? `; registry and sender told ${time(status.escalated)}` : ''}`
      : undefined,
  };
}
