/** `valise acks`: who has and who has not acknowledged a cable your organisation sent. */
import { listAcks } from '../../client/list-acks.ts';
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { positional } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const acksVerb: Verb = {
  name: 'acks',
  summary: 'show which addressees have acknowledged a cable your organisation sent',
  synopsis: '<id|reference>',
  help: ['<id|reference>  the cable id, or its reference such as DE/42/26'],
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, profile }, cli) {
    const session = await deviceSession(cli, profile);
    const id = await resolveCableId(
      session,
      archiveOf(cli, session),
      positional(positionals, 0, '<id|reference>'),
    );
    const items = await listAcks(session, id);
    return {
      json: { id, items },
      text: items.map((a) => {
        const by = a.by === undefined ? '' : typeof a.by === 'string' ? ` by ${a.by}` : ` by ${a.by.user}`;
        const at = a.at === undefined ? '' : ` at ${new Date(a.at * 1000).toISOString()}`;
        return `${a.org}  ${a.role}  ${a.acknowledged ? `acknowledged${by}${at}` : 'NOT acknowledged'}`;
      }),
    };
  },
};
