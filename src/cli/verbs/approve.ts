/** `valise approve`: list pending enrolments, or approve one (security officer). */

import { approve, listPending } from '../../client/approve.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { positiveInteger, text } from '../option-values.ts';
import { deviceSession, orgKeyOf } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const approveVerb: Verb = {
  name: 'approve',
  summary: 'list pending enrolments, or certify one device (security officer)',
  synopsis: '[<device>] [--days 365]',
  help: [
    '(no argument)   list the devices waiting for approval in your organisation',
    "<device>        sign that device's certificate with the organisation key",
    '--days <n>      how long the certificate is valid (default 365)',
  ],
  options: { days: { type: 'string' } },
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
            createdAt: p.createdAt,
          })),
        },
        text:
          pending.length === 0
            ? ['no device is waiting for approval']
            : pending.map(
                (p) =>
                  `${p.device}  ${p.user}  ${p.label}  requested ${new Date(p.createdAt * 1000).toISOString()}`,
              ),
      };
    }
    const entry = await approve({ session, orgKey: await orgKeyOf(session), device, ...validity });
    const cert = entry.body;
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
