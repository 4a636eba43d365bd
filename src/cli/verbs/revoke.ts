/** `valise revoke`: revoke a device or a user of your organisation (security officer). */
import { heldOr } from '../../client/held-act.ts';
import { revoke } from '../../client/revoke.ts';
import { positional, text } from '../option-values.ts';
import { deviceSession, orgKeyOf } from '../profile.ts';
import type { Verb } from '../verb.ts';
import { heldOutput } from './officer.ts';

export const revokeVerb: Verb = {
  name: 'revoke',
  summary: 'revoke a device or a user of your organisation (security officer)',
  synopsis: '<device|user> [--reason <text>]',
  help: [
    '<device|user>    a device id or a user id',
    '--reason <text>  why (recorded in the directory)',
    'From the command line the revocation is held until a second security officer of your',
    'organisation confirms it (valise officer confirm); revoke from the browser to act at once.',
  ],
  options: { reason: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const session = await deviceSession(cli, profile);
    const orgKey = await orgKeyOf(session);
    const revoked = await heldOr(() =>
      revoke({
        session,
        orgKey,
        target: positional(positionals, 0, '<device|user>'),
        reason: text(values, 'reason') ?? '',
      }),
    );
    if ('held' in revoked) return heldOutput(revoked.held);
    const r = revoked.done.body;
    return {
      json: { subject: r.subject, id: r.id, org: r.org, reason: r.reason, issuedAt: r.issuedAt },
      text: [`${r.subject} ${r.id} of ${r.org} revoked (${r.reason})`],
    };
  },
};
