/**
 * `valise silence extend | withdraw | object`: the procedure's later acts, each a signed cable
 * replying to the opening one. Extending and withdrawing are the Presidency's; an objection
 * (breaking silence) is a participant's, with its reason as the encrypted body.
 */
import { resolveCableId } from '../../client/resolve-cable-id.ts';
import { directoryAtLeast } from '../../client/send-cable.ts';
import { sendSilenceAct } from '../../client/send-silence-act.ts';
import { CliError } from '../cli-error.ts';
import { duration, instant, positional, text } from '../option-values.ts';
import { archiveOf, deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';
import { readBody } from './send.ts';

const PROCEDURE_HELP =
  '<procedure>               the opening cable: its id, or its reference such as IE/12/26';

const SUBJECTS = {
  extend: 'Silence procedure: deadline extended',
  withdraw: 'Silence procedure: text withdrawn',
  object: 'Silence broken',
} as const;

function actVerb(act: 'extend' | 'withdraw' | 'object'): Verb {
  const summaries = {
    extend: 'extend a silence procedure to a later deadline (the Presidency)',
    withdraw: 'withdraw a text circulated under the silence procedure (the Presidency)',
    object: 'break silence: object to a text before its deadline, with your reason',
  } as const;
  const extra =
    act === 'extend'
      ? [
          '--deadline <time>         the new deadline, later than the one in force',
          '--within <duration>       or: the new deadline this long from now',
        ]
      : act === 'object'
        ? ['--reason <text>           why (encrypted; seen by the Presidency and every participant)']
        : [];
  return {
    name: `silence ${act}`,
    summary: summaries[act],
    synopsis: `<procedure>${act === 'extend' ? ' --deadline <time>|--within <duration>' : ''}${act === 'object' ? ' --reason <text>|--body-file <path>' : ' [--body-file <path>]'}`,
    help: [PROCEDURE_HELP, ...extra, '--body-file <path>        the text of the act (- : standard input)'],
    options: {
      deadline: { type: 'string' },
      within: { type: 'string' },
      reason: { type: 'string' },
      'body-file': { type: 'string' },
    },
    positionals: { min: 1, max: 1 },
    async run({ values, positionals, profile }, cli) {
      const reference = positional(positionals, 0, '<procedure>');
      let deadline: number | undefined;
      if (act === 'extend') {
        const at = text(values, 'deadline');
        const within = text(values, 'within');
        if ((at === undefined) === (within === undefined)) {
          throw new CliError('USAGE', 'give the new deadline with exactly one of --deadline and --within');
        }
        deadline =
          at !== undefined
            ? instant(at, 'deadline')
            : cli.clock.nowSeconds() + duration(within ?? '', 'within');
      } else if (text(values, 'deadline') !== undefined || text(values, 'within') !== undefined) {
        throw new CliError('USAGE', `silence ${act} takes no deadline`);
      }
      const reason = text(values, 'reason');
      if (reason !== undefined && act !== 'object')
        throw new CliError('USAGE', `silence ${act} takes no --reason`);
      const bodyFile = text(values, 'body-file');
      if (act === 'object' && reason === undefined && bodyFile === undefined) {
        throw new CliError('USAGE', 'an objection needs its reason: --reason <text> or --body-file <path>');
      }
      const body =
        reason ??
        (bodyFile !== undefined || act !== 'object' ? await readBodyOrEmpty(cli, bodyFile, act) : '');
      const session = await deviceSession(cli, profile);
      const procedure = await resolveCableId(session, archiveOf(cli, session), reference);
      const sent = await sendSilenceAct({
        session,
        procedure,
        act,
        ...(deadline !== undefined ? { deadline } : {}),
        content: { subject: SUBJECTS[act], body },
        // docs/design.md §6: a directory that moved on is synced again, and the cable re-wrapped.
        resync: (epoch) =>
          directoryAtLeast(
            async () => (await deviceSession(cli, profile)).directory,
            epoch,
            () => new Promise((resolve) => setTimeout(resolve, 500)),
          ),
      });
      return {
        json: {
          id: sent.id,
          reference: sent.reference,
          procedure,
          act,
          ...(deadline !== undefined ? { deadline } : {}),
        },
        text: [
          act === 'object'
            ? `silence broken: objection ${sent.reference} to ${reference} accepted by the server before the deadline`
            : act === 'extend'
              ? `${reference} extended to ${new Date((deadline ?? 0) * 1000).toISOString()} (${sent.reference})`
              : `${reference} withdrawn (${sent.reference})`,
        ],
      };
    },
  };
}

/** Extensions and withdrawals may come without a text; an empty body is then sent. */
async function readBodyOrEmpty(
  cli: Parameters<Verb['run']>[1],
  path: string | undefined,
  act: string,
): Promise<string> {
  if (path === undefined && act !== 'object') return '';
  return readBody(cli, path);
}

export const silenceExtendVerb = actVerb('extend');
export const silenceWithdrawVerb = actVerb('withdraw');
export const silenceObjectVerb = actVerb('object');
