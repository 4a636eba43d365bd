/** `valise devices`: the devices of an organisation (security officers; any org for the network authority). */
import { listDevices } from '../../client/list-devices.ts';
import { orgId, text } from '../option-values.ts';
import { deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const devicesVerb: Verb = {
  name: 'devices',
  summary: 'list the devices of your organisation and their status',
  synopsis: '[--org <ORG>]',
  help: ['--org <ORG>  another organisation (network authority only)'],
  options: { org: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const org = text(values, 'org');
    const wanted = org ? orgId(org, '--org') : undefined;
    const session = await deviceSession(cli, profile);
    const items = await listDevices(session, wanted);
    return {
      json: { items },
      text:
        items.length === 0
          ? ['no devices']
          : items.map((d) => `${d.device}  ${d.status}  ${d.user}  ${d.label}`),
    };
  },
};
