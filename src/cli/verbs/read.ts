/** `valise read`: fetch a cable, open and verify it on this device, and say who signed it. */

import { readCable } from '../../client/read-cable.ts';
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { formatDateTimeGroup } from '../../core/date-time-group.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const readVerb: Verb = {
  name: 'read',
  summary: 'decrypt and verify a cable on this device, and say who signed it',
  synopsis: '<id|reference>',
  help: ['<id|reference>  the cable id, or its reference such as DE/42/26'],
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, profile }, cli) {
    const session = await deviceSession(cli, profile);
    const archive = archiveOf(cli, session);
    const id = await resolveCableId(session, archive, positionals[0]!);
    const { reference, cable } = await readCable(session, id, archive);
    const { header, content, signedBy } = cable;
    const distribution = header.distribution.map((d) => `${d.org} (${d.role})`).join(', ');
    return {
      json: {
        id: header.id,
        reference,
        sentAt: header.sentAt,
        dtg: formatDateTimeGroup(header.sentAt),
        classification: header.classification,
        markings: header.markings,
        precedence: header.precedence,
        distribution: header.distribution,
        groups: header.groups,
        ...(header.replyTo ? { replyTo: header.replyTo } : {}),
        subject: content.subject,
        tags: content.tags,
        body: content.body,
        attachments: content.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size })),
        signedBy: {
          name: signedBy.user.name,
          user: signedBy.user.user,
          org: signedBy.org.org,
          orgName: signedBy.org.name,
          device: signedBy.device.device,
          deviceLabel: signedBy.device.label,
        },
        verified: true,
      },
      text: [
        `${header.classification}${header.markings.length > 0 ? ` ${header.markings.join(' ')}` : ''}`,
        `${reference}  ${formatDateTimeGroup(header.sentAt)}  ${header.precedence}`,
        `FROM ${header.org}  TO ${distribution}${header.groups.length > 0 ? `  GROUPS ${header.groups.join(', ')}` : ''}`,
        ...(header.replyTo ? [`REPLY TO ${header.replyTo}`] : []),
        `SUBJECT ${content.subject}`,
        ...(content.tags.length > 0 ? [`TAGS ${content.tags.join(', ')}`] : []),
        '',
        content.body,
        '',
        `signed by ${signedBy.user.name} (${signedBy.user.user}) of ${signedBy.org.org} (${signedBy.org.name}), device ${signedBy.device.label} (${signedBy.device.device}); verified on this device`,
      ],
    };
  },
};
