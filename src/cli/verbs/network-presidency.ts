/** `valise network presidency`: the network authority names the Presidency and its term. */
import { namePresidency } from '../../client/name-presidency.ts';
import { instant, orgId, positional, required, serverUrl, text } from '../option-values.ts';
import { keyStore } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const networkPresidency: Verb = {
  name: 'network presidency',
  summary: 'name the Presidency and its term, signed with the root key (network authority)',
  synopsis: '<ORG> --from <date> --until <date> [--server <url>]',
  help: [
    '<ORG>             the organisation holding the Presidency, e.g. IE',
    '--from <date>     the start of its term (2026-07-01)',
    '--until <date>    the end of its term, exclusive (2027-01-01)',
    "--server <url>    the server (default: the profile's)",
    'Only the Presidency opens, extends and withdraws silence procedures. The act is signed with',
    "this profile's network root key and replaces any earlier one.",
  ],
  options: { from: { type: 'string' }, until: { type: 'string' }, server: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const org = orgId(positional(positionals, 0, '<ORG>'), '<ORG>');
    const server = text(values, 'server');
    const named = await namePresidency({
      store: keyStore(cli, profile),
      fetch: cli.fetch,
      clock: cli.clock,
      org,
      from: instant(required(values, 'from'), 'from'),
      until: instant(required(values, 'until'), 'until'),
      ...(server ? { server: serverUrl(server) } : {}),
    });
    return {
      json: named,
      text: [
        `${org} holds the Presidency from ${new Date(named.from * 1000).toISOString()} until ${new Date(named.until * 1000).toISOString()}`,
      ],
    };
  },
};
