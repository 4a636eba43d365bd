/**
 * `valise silence status`: where a silence procedure stands, decided on this device from the
 * proven audit log (a server verdict that differs is refused), with each participant's
 * status and each objection's reason, decrypted here.
 */
import { readCable } from '../../client/read-cable.ts';
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { silenceStatus } from '../../client/silence-status.ts';
import { positional } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

const iso = (seconds: number | undefined) =>
  seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();

export const silenceStatusVerb: Verb = {
  name: 'silence status',
  summary: 'show a silence procedure: deadline, who received and objected, the outcome',
  synopsis: '<procedure>',
  help: [
    '<procedure>  the opening cable: its id, or its reference such as IE/12/26',
    'The outcome is computed here from the audit log, each event checked against a signed',
    "checkpoint; a server whose recorded verdict differs is refused. Objections' reasons are",
    'decrypted on this device (each read is logged like any other).',
  ],
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, profile }, cli) {
    const reference = positional(positionals, 0, '<procedure>');
    const session = await deviceSession(cli, profile);
    const archive = archiveOf(cli, session);
    const id = await resolveCableId(session, archive, reference);
    const status = await silenceStatus(session, id);
    const outcome = status.recorded ?? status.computed;
    const reasons = new Map<string, string>();
    for (const objection of outcome.objections.length > 0 ? outcome.objections : status.standing.objections) {
      try {
        reasons.set(objection.cable, (await readCable(session, objection.cable, archive)).cable.content.body);
      } catch {
        // Not readable on this device (not entitled, or not yet synced): who and when still stand.
      }
    }
    const participants = status.standing.participants.map((p) => ({
      org: p.org,
      received: p.receivedAt !== undefined,
      ...(p.receivedAt !== undefined ? { receivedAt: p.receivedAt } : {}),
      ...(p.acknowledgedAt !== undefined ? { acknowledgedAt: p.acknowledgedAt } : {}),
      ...(p.objectedAt !== undefined ? { objectedAt: p.objectedAt } : {}),
    }));
    const objections = status.standing.objections.map((o) => ({
      ...o,
      ...(reasons.has(o.cable) ? { reason: reasons.get(o.cable) } : {}),
    }));
    const decided = status.state === 'closed';
    return {
      json: {
        id,
        reference: status.reference,
        presidency: status.procedure.org,
        deadline: status.standing.deadline,
        state: status.state,
        participants,
        objections,
        ...(decided ? { outcome: outcome.outcome, undelivered: outcome.undelivered } : {}),
        ...(outcome.withdrawnAt !== undefined ? { withdrawnAt: outcome.withdrawnAt } : {}),
      },
      text: [
        `${status.reference}: silence procedure of ${status.procedure.org}, deadline ${iso(status.standing.deadline)} (${status.state})`,
        ...participants.map(
          (p) =>
            `  ${p.org.padEnd(8)} ${p.objectedAt !== undefined ? `objected ${iso(p.objectedAt)}` : p.received ? `received ${iso(p.receivedAt)}` : 'not received'}${p.acknowledgedAt !== undefined ? `, acknowledged ${iso(p.acknowledgedAt)}` : ''}`,
        ),
        ...objections.map(
          (o) =>
            `  objection by ${o.org} at ${iso(o.at)}: ${o.reason ?? '(reason not readable on this device)'}`,
        ),
        decided
          ? `outcome: ${outcome.outcome}${outcome.outcome === 'not-valid' ? ` (no proof of delivery to ${outcome.undelivered.join(', ')})` : ''}, recorded by the server and confirmed from the log`
          : `outcome so far: ${status.computed.outcome === 'withdrawn' ? 'withdrawn' : 'open'}; decided at the deadline`,
      ],
    };
  },
};
