/**
 * The sender's delivery board of a cable the caller's organisation sent (docs/design.md §2):
 * per addressee, delivered (first fetch), acknowledged (by whom, when), due and overdue by
 * the server's clock; and the board as lines of plain words, the same for every client.
 */

import type { AckBoard, AckStatus } from '../core/api/cable-routes.ts';
import { ROUTES } from '../core/api/routes.ts';
import { describeLimit } from '../core/cable/escalation.ts';
import type { DeviceSession } from './open-session.ts';

export async function listAcks(session: Pick<DeviceSession, 'api'>, id: string): Promise<AckBoard> {
  return session.api.call(ROUTES.acks, { params: { id } });
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
