/**
 * The silence procedure's acts, each a signed cable (docs/design.md §2): the Presidency opens
 * a procedure (the text, with its deadline, to the participants as action addressees), may
 * extend its deadline or withdraw it, and a participant breaks silence with an objection
 * whose reason is the encrypted body. Every act but the opening replies to the opening
 * cable, with its classification and groups, and is addressed to everyone concerned, so an
 * objection is seen by the Presidency and every participant. The server holds each act to
 * the procedure's rules and deadline by its own clock.
 */

import type { Addressee } from '../core/cable/cable-header.ts';
import type { CableDraft, ContentDraft } from '../core/cable/seal-cable.ts';
import { ClientError } from './client-error.ts';
import type { DeviceSession } from './open-session.ts';
import { type SendRequest, type SentCable, sendCable } from './send-cable.ts';
import { silenceStatus } from './silence-status.ts';
import { undeliverableAddressees, undeliverableWarning } from './undeliverable-addressees.ts';

type Session = SendRequest['session'] & Pick<DeviceSession, 'store'>;

export interface OpenSilenceRequest {
  readonly session: Session;
  readonly participants: readonly string[];
  /** Organisations informed, not taking part. */
  readonly info?: readonly string[];
  /** Unix seconds. */
  readonly deadline: number;
  readonly draft: Pick<CableDraft, 'classification' | 'precedence' | 'groups' | 'markings'>;
  readonly content: ContentDraft;
  /** Re-syncs the directory when the server answers EPOCH_STALE (see `sendCable`). */
  readonly resync?: SendRequest['resync'];
}

export function openSilence(request: OpenSilenceRequest): Promise<SentCable> {
  const distribution: Addressee[] = [
    ...request.participants.map((org) => ({ org, role: 'action' as const })),
    ...(request.info ?? []).map((org) => ({ org, role: 'info' as const })),
  ];
  // A participant nobody can read could only make the procedure not valid: never opened so.
  const { session } = request;
  const unreadable = undeliverableAddressees(
    {
      org: session.device.org,
      sender: { user: session.device.user, device: session.device.device },
      classification: request.draft.classification,
      distribution,
      groups: [...(request.draft.groups ?? [])].sort(),
      epoch: session.directory.epoch,
      sentAt: session.clock.nowSeconds(),
    },
    session.directory,
  ).filter((a) => a.role === 'action');
  if (unreadable.length > 0) {
    return Promise.reject(
      new ClientError(
        'UNDELIVERABLE',
        `${undeliverableWarning(unreadable)}; a participant must be able to read the text, so the procedure was not opened`,
      ),
    );
  }
  return sendCable({
    session: request.session,
    draft: { ...request.draft, distribution, silence: 'open', silenceDeadline: request.deadline },
    content: request.content,
    ...(request.resync ? { resync: request.resync } : {}),
  });
}

export interface SilenceActRequest {
  readonly session: Session;
  /** The opening cable's id. */
  readonly procedure: string;
  readonly act: 'extend' | 'withdraw' | 'object';
  /** The new deadline, for `extend`. */
  readonly deadline?: number;
  /** Subject and body (an objection's reason). */
  readonly content: ContentDraft;
  /** Re-syncs the directory when the server answers EPOCH_STALE (see `sendCable`). */
  readonly resync?: SendRequest['resync'];
}

export async function sendSilenceAct(request: SilenceActRequest): Promise<SentCable> {
  const { session, act } = request;
  const status = await silenceStatus(session, request.procedure);
  const { procedure } = status;
  const self = session.device.org;
  // The Presidency as action addressee, every other participant informed.
  const distribution: Addressee[] = [procedure.org, ...procedure.participants]
    .filter((org) => org !== self)
    .map((org) => ({ org, role: org === procedure.org || act !== 'object' ? 'action' : 'info' }));
  return sendCable({
    session,
    draft: {
      classification: status.classification,
      precedence: 'IMMEDIATE',
      distribution,
      groups: status.groups,
      replyTo: status.reference,
      silence: act,
      ...(act === 'extend' && request.deadline !== undefined ? { silenceDeadline: request.deadline } : {}),
    },
    content: request.content,
    ...(request.resync ? { resync: request.resync } : {}),
  });
}
