/** `valise ack`: acknowledge a cable for your organisation. */
import { acknowledge } from '../../client/acknowledge.ts';
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { positional } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const ackVerb: Verb = {
  name: 'ack',
  summary: 'acknowledge a cable for your organisation',
  synopsis: '<id|reference>',
  help: ['<id|reference>  the cable id, or its reference such as DE/42/26'],
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, profile }, cli) {
    const session = await deviceSession(cli, profile);
    const reference = positional(positionals, 0, '<id|reference>');
    const id = await resolveCableId(session, archiveOf(cli, session), reference);
    const ack = await acknowledge(session, id);
    return {
      json: { id, org: ack.org, user: ack.user, device: ack.device, at: ack.at },
      text: [
        `${reference} acknowledged for ${ack.org} by ${ack.user} at ${new Date(ack.at * 1000).toISOString()}`,
      ],
    };
  },
};
