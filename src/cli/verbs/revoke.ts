/** `valise revoke`: revoke a device or a user of your organisation (security officer). */
import { revoke } from '../../client/revoke.ts';
import { positional, text } from '../option-values.ts';
import { deviceSession, orgKeyOf } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const revokeVerb: Verb = {
  name: 'revoke',
  summary: 'revoke a device or a user of your organisation (security officer)',
  synopsis: '<device|user> [--reason <text>]',
  help: ['<device|user>    a device id or a user id', '--reason <text>  why (recorded in the directory)'],
  options: { reason: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const session = await deviceSession(cli, profile);
    const entry = await revoke({
      session,
      orgKey: await orgKeyOf(session),
      target: positional(positionals, 0, '<device|user>'),
      reason: text(values, 'reason') ?? '',
    });
    const r = entry.body;
    return {
      json: { subject: r.subject, id: r.id, org: r.org, reason: r.reason, issuedAt: r.issuedAt },
      text: [`${r.subject} ${r.id} of ${r.org} revoked (${r.reason})`],
    };
  },
};
