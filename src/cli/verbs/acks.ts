/**
 * `valise acks`: the delivery board of a cable your organisation sent: per addressee,
 * delivered (first fetch), acknowledged (by whom, when), overdue.
 */
import { addresseeWords, boardHeading, listAcks } from '../../client/list-acks.ts';
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { positional } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const acksVerb: Verb = {
  name: 'acks',
  summary: 'show the delivery board of a cable your organisation sent: delivered, acknowledged, overdue',
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
    const board = await listAcks(session, id);
    const time = (seconds: number) =>
      `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z`;
    return {
      json: { id, ...board },
      text: [
        boardHeading(board),
        ...board.items.map((a) => {
          const words = addresseeWords(a, time);
          const mark = a.overdue ? '!' : ' ';
          return `${mark} ${a.org.padEnd(8)} ${a.role.padEnd(6)}  ${words.delivered};  ${words.acknowledged}${words.overdue ? `;  ${words.overdue}` : ''}`;
        }),
      ],
    };
  },
};
