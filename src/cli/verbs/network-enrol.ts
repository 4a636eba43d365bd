/** `valise network enrol`: the network authority's profile becomes a device of its own role. */

import { enrolAuthority } from '../../client/enrol-authority.ts';
import { classification, orgId, required, serverUrl, text } from '../option-values.ts';
import { keyStore } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const networkEnrol: Verb = {
  name: 'network enrol',
  summary: "certify the network authority's own device (to list devices and read the audit log)",
  synopsis: '--org <ORG> --user <id> --name <name> --label <label> [--clearance <level>] [--server <url>]',
  help: [
    "--org <ORG>          the authority's organisation (added with valise org add)",
    '--user <id>          the network authority user id (e.g. consil.authority)',
    '--name <name>        its full name',
    '--label <label>      a name for this device',
    "--clearance <level>  default: the network's accreditation",
    "--server <url>       default: the profile's server",
    'Run in the profile that holds the network root (valise network init). The root signs the',
    'network-authority user and this device: then valise devices, audit events and audit verify',
    'work network-wide from this profile.',
  ],
  options: {
    org: { type: 'string' },
    user: { type: 'string' },
    name: { type: 'string' },
    label: { type: 'string' },
    clearance: { type: 'string' },
    server: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const store = keyStore(cli, profile);
    const root = await store.loadRootKey();
    const level = text(values, 'clearance');
    const server = text(values, 'server');
    const session = await enrolAuthority({
      store,
      fetch: cli.fetch,
      clock: cli.clock,
      ...(server ? { server: serverUrl(server) } : {}),
      org: orgId(required(values, 'org'), '--org'),
      label: required(values, 'label'),
      authority: {
        user: required(values, 'user'),
        name: required(values, 'name'),
        clearance: level
          ? classification(level, 'clearance')
          : (root?.root.accreditation ?? classification('RESTREINT UE', 'clearance')),
      },
    });
    const { device } = session;
    return {
      json: { device: device.device, user: device.user, org: device.org, role: 'network-authority' },
      text: [
        `device ${device.device} (${device.label}) certified for ${device.user} of ${device.org}, network authority`,
      ],
    };
  },
};
