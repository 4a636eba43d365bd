/** `valise approve`: list pending enrolments, or approve one (security officer). */

import { approve, listPending, pendingComparisonCode } from '../../client/approve.ts';
import { heldOr } from '../../client/held-act.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { positiveInteger, text } from '../option-values.ts';
import { deviceSession, invitationBookOf, orgKeyOf } from '../profile.ts';
import type { Verb } from '../verb.ts';
import { heldOutput } from './officer.ts';

export const approveVerb: Verb = {
  name: 'approve',
  summary: 'list pending enrolments, or certify one device (security officer)',
  synopsis: '[<device> --code <comparison code>] [--invitation <code>] [--days 365]',
  help: [
    '(no argument)       list the devices waiting for approval, each with its comparison code',
    "<device>            sign that device's certificate with the organisation key",
    '--code <code>       the comparison code the device shows its user, as they read it to you;',
    '                    required: it must be the code listed for the device',
    '--invitation <code> the enrolment code you handed over, when another device issued it',
    '--days <n>          how long the certificate is valid (default 365)',
    'The device must prove its keys with the invitation this profile issued (or --invitation):',
    'keys swapped on the server are refused (ENROLMENT_TAMPERED).',
    'From the command line the approval is held until a second security officer of your',
    'organisation confirms it (valise officer confirm); the device is certified from then on.',
  ],
  options: { days: { type: 'string' }, code: { type: 'string' }, invitation: { type: 'string' } },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const days = text(values, 'days');
    const validity = days ? { validityDays: positiveInteger(days, 'days', 1825) } : {};
    const session = await deviceSession(cli, profile);
    const device = positionals[0];
    if (device === undefined) {
      const pending = await listPending(session);
      return {
        json: {
          items: pending.map((p) => ({
            device: p.device,
            user: p.user,
            org: p.org,
            label: p.label,
            signingKey: toBase64url(p.signingKey),
            comparisonCode: pendingComparisonCode(p),
            createdAt: p.createdAt,
          })),
        },
        text:
          pending.length === 0
            ? ['no device is waiting for approval']
            : pending.map(
                (p) =>
                  `${p.device}  ${p.user}  ${p.label}  code ${pendingComparisonCode(p)}  requested ${new Date(p.createdAt * 1000).toISOString()}`,
              ),
      };
    }
    const comparison = text(values, 'code');
    const invitationCode = text(values, 'invitation');
    const orgKey = await orgKeyOf(session);
    const approved = await heldOr(() =>
      approve({
        session,
        orgKey,
        device,
        invitations: invitationBookOf(session, cli),
        ...(comparison !== undefined ? { comparisonCode: comparison } : {}),
        ...(invitationCode !== undefined ? { invitationCode } : {}),
        ...validity,
      }),
    );
    if ('held' in approved) return heldOutput(approved.held);
    const cert = approved.done.body;
    return {
      json: {
        device: cert.device,
        user: cert.user,
        org: cert.org,
        label: cert.label,
        expiresAt: cert.expiresAt,
      },
      text: [
        `device ${cert.device} (${cert.label}) of ${cert.user} certified until ${new Date(cert.expiresAt * 1000).toISOString()}`,
      ],
    };
  },
};
