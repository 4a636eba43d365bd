/**
 * `valise canary plant` and `valise canary list` (security officer): decoy cables for a
 * person or a group of your organisation (docs/design.md §9). The decoy is an ordinary
 * cable, sent like any other; fetching it from a watched device suspends that device.
 */
import { cliWrapper } from '../../client/cli-wrapper.ts';
import { plantCanary } from '../../client/plant-canary.ts';
import { ROUTES } from '../../core/api/routes.ts';
import { USER_ID_PATTERN } from '../../core/encoding/identifiers.ts';
import { CliError } from '../cli-error.ts';
import { classification, groups, list, orgId, required, text } from '../option-values.ts';
import { deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';
import { readBody } from './send.ts';

export const canaryPlantVerb: Verb = {
  name: 'canary plant',
  summary: 'send a decoy cable that suspends any watched device fetching it (security officer)',
  synopsis:
    '--for USER ... | --group G ... --subject <text> --reason <text> [--classification RESTREINT UE] [--body-file <path>]',
  help: [
    '--for <user>              a person of your organisation the canary watches; repeatable',
    '--group <G>               a working group whose members it watches (the cable goes to it); repeatable',
    '--subject <text>          the subject: make it one the people watched have no reason to open',
    '--reason <text>           why you plant it (recorded in the audit log)',
    '--classification <level>  RESTREINT UE by default',
    '--body-file <path>        the body (- or absent: standard input, ended by Ctrl-D)',
  ],
  options: {
    for: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    subject: { type: 'string' },
    reason: { type: 'string' },
    classification: { type: 'string' },
    'body-file': { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const users = [...new Set(list(values, 'for'))];
    for (const user of users) {
      if (!USER_ID_PATTERN.test(user))
        throw new CliError('USAGE', `--for ${user}: not a user id such as fr.claire`);
    }
    const targetGroups = groups(list(values, 'group'));
    if (users.length + targetGroups.length === 0) {
      throw new CliError('USAGE', 'name whom the canary watches: --for <user> or --group <G>');
    }
    const subject = required(values, 'subject');
    const reason = required(values, 'reason');
    const level = classification(text(values, 'classification') ?? 'RESTREINT UE');
    const body = await readBody(cli, text(values, 'body-file'));
    const session = await deviceSession(cli, profile);
    const { sent, canary } = await plantCanary({
      session,
      targets: { users, groups: targetGroups },
      subject,
      body,
      classification: level,
      reason,
      wrapper: await cliWrapper(),
    });
    const whom = [...users, ...targetGroups.map((g) => `group ${g}`)].join(', ');
    return {
      json: { ...canary, reference: sent.reference },
      text: [`${sent.reference} planted as a canary (id ${sent.id}) watching ${whom}`],
    };
  },
};

export const canaryListVerb: Verb = {
  name: 'canary list',
  summary: "list your organisation's canary cables and which tripped (security officer)",
  synopsis: '[--org ORG]',
  help: ['--org <ORG>  another organisation (network authority only)'],
  options: { org: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const org = text(values, 'org');
    const session = await deviceSession(cli, profile);
    const answer = await session.api.call(ROUTES.watchCanaries, {
      query: { org: org === undefined ? undefined : orgId(org, 'org') },
    });
    const when = (at: number) => new Date(at * 1000).toISOString().slice(0, 16).replace('T', ' ');
    return {
      json: answer,
      text:
        answer.items.length === 0
          ? [`no canaries in ${answer.org}`]
          : answer.items.map((c) => {
              const whom = [...c.targets.users, ...c.targets.groups.map((g) => `group ${g}`)].join(', ');
              const state = c.tripped ? `TRIPPED by ${c.tripped.device} at ${when(c.tripped.at)}Z` : 'quiet';
              return `${c.cable} planted ${when(c.plantedAt)}Z watching ${whom}: ${state}`;
            }),
    };
  },
};
