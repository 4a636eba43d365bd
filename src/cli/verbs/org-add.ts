/** `valise org add`: the network authority certifies an organisation with the root key. */
import { addOrg } from '../../client/add-org.ts';
import { classification, orgId, positional, required, serverUrl, text } from '../option-values.ts';
import { keyStore } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const orgAdd: Verb = {
  name: 'org add',
  summary: 'certify an organisation and make its organisation key (network authority)',
  synopsis: '<ORG> --name <name> --accreditation <level> [--server <url>]',
  help: [
    '<ORG>                    the organisation id, e.g. DE, EEAS',
    '--name <name>            its full name',
    '--accreditation <level>  the highest classification its systems may hold',
    "--server <url>           the server (default: the profile's)",
    "The organisation key is written to a 0600 file: hand it to the organisation's first security",
    'officer, who runs valise enrol --org-key <file>.',
  ],
  options: {
    name: { type: 'string' },
    accreditation: { type: 'string' },
    server: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const store = keyStore(cli, profile);
    const org = orgId(positional(positionals, 0, '<ORG>'), '<ORG>');
    const server = text(values, 'server');
    const added = await addOrg({
      store,
      fetch: cli.fetch,
      clock: cli.clock,
      org,
      name: required(values, 'name'),
      accreditation: classification(required(values, 'accreditation'), 'accreditation'),
      ...(server ? { server: serverUrl(server) } : {}),
    });
    const keyFile = store.orgKeyPath(org);
    const cert = added.entry.body;
    return {
      json: {
        org,
        name: cert.name,
        accreditation: cert.accreditation,
        index: added.posted.index,
        epoch: added.posted.epoch,
        keyFile,
      },
      text: [
        `${org} (${cert.name}) certified up to ${cert.accreditation}; directory entry ${added.posted.index}`,
        `organisation key: ${keyFile} (give it only to ${org}'s security officer)`,
      ],
    };
  },
};
