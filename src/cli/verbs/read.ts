/** `valise read`: fetch a cable, open and verify it on this device, and say who signed it. */

import { join } from 'node:path';
import { fetchAttachment, readCable } from '../../client/read-cable.ts';
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { formatDateTimeGroup } from '../../core/encoding/date-time-group.ts';
import { nodeSuites } from '../../platform/node-suites.ts';
import { CliError } from '../cli-error.ts';
import { text } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const readVerb: Verb = {
  name: 'read',
  summary: 'decrypt and verify a cable on this device, and say who signed it',
  synopsis: '<id|reference> [--save-attachments <dir>]',
  help: [
    '<id|reference>              the cable id, or its reference such as DE/42/26',
    '--save-attachments <dir>    download, decrypt and verify the attachments into <dir> (never overwrites)',
  ],
  options: { 'save-attachments': { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ positionals, values, profile }, cli) {
    const saveTo = text(values, 'save-attachments');
    const session = await deviceSession(cli, profile);
    const archive = archiveOf(cli, session);
    const id = await resolveCableId(session, archive, positionals[0]!);
    const { reference, cable } = await readCable(session, id, archive, (await nodeSuites()).xwing);
    const { header, content, signedBy } = cable;
    const saved: string[] = [];
    if (saveTo !== undefined) {
      for (const descriptor of content.attachments) {
        // The name is the sender's: the format already refuses separators and control characters.
        if (descriptor.name === '.' || descriptor.name === '..') {
          throw new CliError(
            'INPUT_FAILED',
            `the attachment name ${JSON.stringify(descriptor.name)} cannot be saved`,
          );
        }
        const data = await fetchAttachment(session, header.id, descriptor);
        const path = join(saveTo, descriptor.name);
        try {
          await cli.writeNewFile(path, data);
        } catch (cause) {
          const why = cause instanceof Error ? cause.message : String(cause);
          throw new CliError(
            'INPUT_FAILED',
            `cannot save ${path} (${why}); give an existing folder without that file`,
            {
              cause,
            },
          );
        }
        saved.push(path);
      }
    }
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
        ...(saveTo !== undefined ? { saved } : {}),
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
        ...content.attachments.map((a) => `ATTACHMENT ${a.name} (${a.type}, ${a.size} bytes)`),
        ...saved.map((path) => `saved ${path}`),
        `signed by ${signedBy.user.name} (${signedBy.user.user}) of ${signedBy.org.org} (${signedBy.org.name}), device ${signedBy.device.label} (${signedBy.device.device}); verified on this device`,
      ],
    };
  },
};
