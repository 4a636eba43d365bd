/**
 * Reads a silence procedure and decides its outcome on this device (docs/design.md §2): the
 * server's account is taken only as far as the log proves it. Every event must be proven in
 * a checkpoint signed by the pinned log key and consistent with what this device saw; the
 * opening cable's header must be the one its proven `cable.accepted` event hashes; the
 * outcome is computed here from the proven events (core/procedure/silence-outcome.ts), and a
 * recorded server verdict that differs is refused (SILENCE_VERDICT_MISMATCH).
 */

import { ROUTES } from '../core/api/routes.ts';
import { cableHash } from '../core/cable/cable-header.ts';
import { constantTimeEqual, fromBase64url } from '../core/encoding/bytes.ts';
import { canonicalize } from '../core/encoding/canonical-json.ts';
import { toJsonValue } from '../core/encoding/to-json.ts';
import type { Classification } from '../core/identity/classification.ts';
import type { LogEvent } from '../core/log/log-event.ts';
import { actOf, decodeOutcomeDetail, SILENCE_OUTCOME_EVENT } from '../core/procedure/silence-events.ts';
import {
  procedureOf,
  type SilenceOutcome,
  type SilenceProcedure,
  type SilenceState,
  silenceOutcome,
  silenceState,
} from '../core/procedure/silence-outcome.ts';
import { ClientError } from './client-error.ts';
import { checkCheckpoint, rememberCheckpoint } from './follow-log.ts';
import type { DeviceSession } from './open-session.ts';
import { provenEvent } from './proven-event.ts';

export interface SilenceStatus {
  readonly procedure: SilenceProcedure;
  readonly reference: string;
  /** The opening cable's header fields a reply copies. */
  readonly classification: Classification;
  readonly groups: readonly string[];
  /** `open`, `closing` (past the deadline, no verdict yet) or `closed`. */
  readonly state: 'open' | 'closing' | 'closed';
  /** The server's time when it answered. */
  readonly now: number;
  /** Computed on this device from the proven events. */
  readonly standing: SilenceState;
  readonly computed: SilenceOutcome;
  /** The server's recorded verdict, once there is one (equal to `computed`, or refused). */
  readonly recorded?: SilenceOutcome;
}

export async function silenceStatus(
  session: Pick<DeviceSession, 'api' | 'store' | 'network'>,
  id: string,
): Promise<SilenceStatus> {
  const { api, store, network } = session;
  if (!network.log) throw new ClientError('NOT_CONFIGURED', 'this profile has no pinned audit log');
  const answer = await api.call(ROUTES.silence, { params: { id } });
  const view = await checkCheckpoint(
    api,
    network.log,
    answer.checkpoint.note,
    await store.loadCheckpoint?.('seen'),
  );
  const { size, rootHash } = view.checkpoint;

  // Every event proven in the checkpoint, or nothing is believed.
  const proven = new Map<number, LogEvent>();
  for (const item of answer.events) {
    proven.set(
      item.leaf,
      provenEvent(item, { size, rootHash }, `event ${item.leaf} of silence procedure ${id}`),
    );
  }
  await rememberCheckpoint(store, view);
  const leaves = [...proven.keys()].sort((a, b) => a - b);
  const events = leaves.map((leaf) => proven.get(leaf) as LogEvent);

  // The opening cable is the one the log accepted.
  const { header, signature } = answer.procedure;
  const procedure = procedureOf(header);
  const opened = events.find((e) => e.object.id === id && actOf(e)?.act === 'open');
  const hash = typeof opened?.detail.hash === 'string' ? fromBase64url(opened.detail.hash) : undefined;
  if (!procedure || header.id !== id || !hash || !constantTimeEqual(hash, cableHash(header, signature))) {
    throw new ClientError(
      'PROCEDURE_INVALID',
      `the server's opening cable of silence procedure ${id} is not the one its log accepted; tell your security officer`,
    );
  }

  const acts = events.filter((e) => e.type !== SILENCE_OUTCOME_EVENT);
  const computed = silenceOutcome(procedure, acts);
  const standing = silenceState(procedure, acts);
  const recorded = answer.outcome === undefined ? undefined : recordedOutcome(proven.get(answer.outcome), id);
  if (recorded && canonicalize(toJsonValue(recorded)) !== canonicalize(toJsonValue(computed))) {
    throw new ClientError(
      'SILENCE_VERDICT_MISMATCH',
      `the server recorded silence procedure ${answer.procedure.reference} as ${recorded.outcome}, but its own log shows ${computed.outcome}; do not rely on the server's verdict, tell your security officer`,
    );
  }
  return {
    procedure,
    reference: answer.procedure.reference,
    classification: header.classification,
    groups: header.groups,
    state: answer.procedure.state,
    now: answer.now,
    standing,
    computed,
    ...(recorded ? { recorded } : {}),
  };
}

function recordedOutcome(event: LogEvent | undefined, id: string): SilenceOutcome {
  if (!event || event.type !== SILENCE_OUTCOME_EVENT || event.object.id !== id) {
    throw new ClientError(
      'PROCEDURE_INVALID',
      `the server names as the verdict of ${id} an event that is not one`,
    );
  }
  try {
    const detail = decodeOutcomeDetail(event.detail, 'detail');
    return {
      outcome: detail.outcome,
      deadline: detail.deadline,
      objections: detail.objections,
      undelivered: detail.undelivered,
      ...(detail.withdrawnAt !== undefined ? { withdrawnAt: detail.withdrawnAt } : {}),
    };
  } catch (cause) {
    throw new ClientError('PROCEDURE_INVALID', `the recorded verdict of ${id} does not decode`, { cause });
  }
}
