/** `valise silence open`: the Presidency circulates a text under the silence procedure. */
import { directoryAtLeast } from '../../client/send-cable.ts';
import { openSilence } from '../../client/send-silence-act.ts';
import { formatDateTimeGroup } from '../../core/encoding/date-time-group.ts';
import { CliError } from '../cli-error.ts';
import {
  classification,
  duration,
  groups,
  instant,
  list,
  orgId,
  precedence,
  required,
  text,
} from '../option-values.ts';
import { deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';
import { readBody } from './send.ts';

export const silenceOpenVerb: Verb = {
  name: 'silence open',
  summary: 'circulate a text under the silence procedure (the Presidency only)',
  synopsis:
    '--to ORG ... --deadline <time>|--within <duration> --subject <text> --classification <level> [--info ORG] [--groups A,B] [--precedence P] [--body-file <path>]',
  help: [
    '--to ORG                  a participant (action addressee); repeatable',
    '--info ORG                an organisation informed, not taking part; repeatable',
    '--deadline <time>         adopted at this instant unless silence is broken (2026-12-08T12:00Z)',
    '--within <duration>       or: the deadline this long from now (48h, 3d)',
    '--subject <text>          the subject (encrypted)',
    '--classification <level>  UNCLASSIFIED, RESTREINT UE, CONFIDENTIEL UE or SECRET UE',
    '--groups <A,B>            working groups (need-to-know)',
    '--precedence <p>          ROUTINE, PRIORITY (default), IMMEDIATE or FLASH',
    '--body-file <path>        the text (- or absent: standard input)',
    'Silence counts as assent only from a participant one of whose devices fetched the text',
    'before the deadline; the outcome is computed from the audit log (valise silence status).',
  ],
  options: {
    to: { type: 'string', multiple: true },
    info: { type: 'string', multiple: true },
    deadline: { type: 'string' },
    within: { type: 'string' },
    subject: { type: 'string' },
    classification: { type: 'string' },
    groups: { type: 'string', multiple: true },
    precedence: { type: 'string' },
    'body-file': { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const participants = list(values, 'to').map((org) => orgId(org, 'to'));
    if (participants.length === 0) throw new CliError('USAGE', '--to is required: name the participants');
    const info = list(values, 'info').map((org) => orgId(org, 'info'));
    const at = text(values, 'deadline');
    const within = text(values, 'within');
    if ((at === undefined) === (within === undefined)) {
      throw new CliError('USAGE', 'give the deadline with exactly one of --deadline and --within');
    }
    const deadline =
      at !== undefined ? instant(at, 'deadline') : cli.clock.nowSeconds() + duration(within ?? '', 'within');
    const subject = required(values, 'subject');
    const level = classification(required(values, 'classification'));
    const precedenceText = text(values, 'precedence');
    const body = await readBody(cli, text(values, 'body-file'));
    const session = await deviceSession(cli, profile);
    const sent = await openSilence({
      session,
      participants,
      info,
      deadline,
      draft: {
        classification: level,
        precedence: precedenceText ? precedence(precedenceText) : 'PRIORITY',
        groups: groups(list(values, 'groups')),
      },
      content: { subject, body },
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
        deadline,
        participants: [...participants].sort(),
        info,
      },
      text: [
        `${sent.reference} circulated under the silence procedure (id ${sent.id})`,
        `deadline ${formatDateTimeGroup(deadline)} (${new Date(deadline * 1000).toISOString()}); participants ${[...participants].sort().join(', ')}`,
      ],
    };
  },
};
