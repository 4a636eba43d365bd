/** `valise read`: fetch a cable, open and verify it on this device, and say who signed it. */

import { join } from 'node:path';
import { presentCable } from '../../client/present-cable.ts';
import { fetchAttachment, readCable } from '../../client/read-cable.ts';
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { nodeSuites } from '../../platform/node-suites.ts';
import { CliError } from '../cli-error.ts';
import { positional, text } from '../option-values.ts';
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
    const id = await resolveCableId(session, archive, positional(positionals, 0, '<id|reference>'));
    const { reference, cable } = await readCable(session, id, archive, (await nodeSuites()).xwing);
    const { header, content } = cable;
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
    const shown = presentCable({ reference, cable, directory: session.directory });
    const { signedBy } = shown;
    const { silence, silenceDeadline } = cable.header;
    const procedureLine =
      silence === undefined
        ? []
        : [
            `SILENCE PROCEDURE ${silence.toUpperCase()}${silenceDeadline !== undefined ? ` deadline ${new Date(silenceDeadline * 1000).toISOString()}` : ''} (valise silence status ${silence === 'open' ? reference : (shown.replyTo ?? reference)})`,
          ];
    return {
      json: {
        id: shown.id,
        reference,
        sentAt: shown.sentAt,
        dtg: shown.dtg,
        classification: shown.classification,
        markings: shown.markings,
        precedence: shown.precedence,
        distribution: shown.distribution,
        groups: shown.groups,
        ...(shown.replyTo ? { replyTo: shown.replyTo } : {}),
        ...(silence !== undefined ? { silence } : {}),
        ...(silenceDeadline !== undefined ? { silenceDeadline } : {}),
        subject: shown.subject,
        tags: shown.tags,
        body: shown.body,
        attachments: shown.attachments,
        ...(saveTo !== undefined ? { saved } : {}),
        warnings: shown.warnings.map((w) => ({ code: w.code, device: w.device, message: w.message })),
        signedBy: {
          name: signedBy.name,
          user: signedBy.user,
          org: signedBy.org,
          orgName: signedBy.orgName,
          device: signedBy.device,
          deviceLabel: signedBy.label,
        },
        verified: true,
      },
      text: [
        ...shown.warnings.map((w) => `WARNING ${w.code}: ${w.message}`),
        shown.banner,
        `${reference}  ${shown.dtg}  ${shown.precedence}`,
        `FROM ${shown.from}  TO ${shown.addressees}${shown.groups.length > 0 ? `  GROUPS ${shown.groups.join(', ')}` : ''}`,
        ...(shown.replyTo ? [`REPLY TO ${shown.replyTo}`] : []),
        ...procedureLine,
        `SUBJECT ${shown.subject}`,
        ...(shown.tags.length > 0 ? [`TAGS ${shown.tags.join(', ')}`] : []),
        '',
        shown.body,
        '',
        ...shown.attachments.map((a) => `ATTACHMENT ${a.name} (${a.type}, ${a.size} bytes)`),
        ...saved.map((path) => `saved ${path}`),
        `signed by ${shown.signature}; verified on this device`,
        shown.banner,
      ],
    };
  },
};
