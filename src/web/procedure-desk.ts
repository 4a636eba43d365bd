/**
 * The silence procedure in the worker (docs/design.md §2): its standing decided here from the
 * proven log (src/client/silence-status.ts, which refuses a server verdict the log
 * contradicts), the objections' reasons decrypted here, breaking silence (an objection), and
 * the Presidency's extending and withdrawing: each act a signed cable replying to the opening
 * one, which the server lets a browser send only after a fresh passkey touch.
 */
import { ClientError } from '../client/client-error.ts';
import { directoryAtLeast } from '../client/send-cable.ts';
import { sendSilenceAct } from '../client/send-silence-act.ts';
import { silenceStatus } from '../client/silence-status.ts';
import type { DeviceContext } from './device-context.ts';
import type { ProcedureView } from './device-protocol.ts';
import { openInboxCable } from './open-inbox-cable.ts';

export async function procedure(device: DeviceContext, id: string): Promise<ProcedureView> {
  const session = await device.fresh();
  const status = await silenceStatus(session, id);
  const { archive } = await device.open();
  const objections = [];
  for (const o of status.standing.objections) {
    const view = await openInboxCable(session, archive, o.cable, () => {}).catch(() => undefined);
    objections.push({ org: o.org, at: o.at, ...(view?.ok ? { reason: view.body } : {}) });
  }
  const mine = session.device.org;
  const me = status.standing.participants.find((p) => p.org === mine);
  const outcome = status.recorded;
  return {
    id,
    reference: status.reference,
    presidency: status.procedure.org,
    deadline: status.standing.deadline,
    now: status.now,
    state: status.state,
    participants: status.standing.participants,
    objections,
    ...(outcome
      ? {
          outcome: {
            outcome: outcome.outcome,
            undelivered: outcome.undelivered,
            ...(outcome.withdrawnAt !== undefined ? { withdrawnAt: outcome.withdrawnAt } : {}),
          },
        }
      : {}),
    mayObject: status.state === 'open' && me !== undefined && me.objectedAt === undefined,
    mayManage: status.state === 'open' && status.procedure.org === mine && outcome === undefined,
  };
}

export function breakSilence(
  device: DeviceContext,
  id: string,
  reason: string,
): Promise<{ reference: string }> {
  return act(device, id, 'object', { subject: 'Silence broken', body: reason });
}

export function extendSilence(
  device: DeviceContext,
  id: string,
  deadline: number,
  note: string,
): Promise<{ reference: string }> {
  if (!Number.isSafeInteger(deadline)) {
    return Promise.reject(new ClientError('INVALID_ARGUMENT', 'choose the new deadline'));
  }
  return act(device, id, 'extend', { subject: 'Silence procedure: deadline extended', body: note }, deadline);
}

export function withdrawSilence(
  device: DeviceContext,
  id: string,
  reason: string,
): Promise<{ reference: string }> {
  return act(device, id, 'withdraw', { subject: 'Silence procedure: text withdrawn', body: reason });
}

/** One act of the procedure, the same way as `valise silence object | extend | withdraw`. */
async function act(
  device: DeviceContext,
  id: string,
  kind: 'object' | 'extend' | 'withdraw',
  content: { subject: string; body: string },
  deadline?: number,
): Promise<{ reference: string }> {
  const sent = await sendSilenceAct({
    session: await device.fresh(0),
    procedure: id,
    act: kind,
    ...(deadline !== undefined ? { deadline } : {}),
    content,
    // docs/design.md §6: a directory that moved on is synced again, and the cable re-wrapped.
    resync: (epoch) =>
      directoryAtLeast(
        async () => (await device.fresh(0)).directory,
        epoch,
        () => new Promise((resolve) => setTimeout(resolve, 500)),
      ),
  });
  return { reference: sent.reference };
}
