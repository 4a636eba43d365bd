/** `valise network init`: the network authority makes the network root key. */

import { initNetwork } from '../../client/init-network.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { DEFAULT_NETWORK_ACCREDITATION } from '../../core/identity/classification.ts';
import { classification, required, serverUrl, text } from '../option-values.ts';
import { keyStore } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const networkInit: Verb = {
  name: 'network init',
  summary: 'make the network root key (network authority, on its own machine)',
  synopsis: '--network <name> [--accreditation <level>] [--server <url>]',
  help: [
    '--network <name>         the network name, lowercase (e.g. coreu)',
    `--accreditation <level>  the highest classification the network holds (default ${DEFAULT_NETWORK_ACCREDITATION})`,
    '--server <url>           the server this profile will add organisations to',
    'Prints the root public key: configure the server with it, and give it to every security officer.',
  ],
  options: {
    network: { type: 'string' },
    accreditation: { type: 'string' },
    server: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const server = text(values, 'server');
    const accreditation = text(values, 'accreditation');
    const key = await initNetwork({
      store: keyStore(cli, profile),
      network: required(values, 'network'),
      accreditation: accreditation
        ? classification(accreditation, 'accreditation')
        : DEFAULT_NETWORK_ACCREDITATION,
      ...(server ? { server: serverUrl(server) } : {}),
    });
    const rootKey = toBase64url(key.root.key);
    return {
      json: { network: key.root.network, accreditation: key.root.accreditation, rootKey, profile },
      text: [
        `network ${key.root.network} created (accreditation ${key.root.accreditation}); root key kept in profile ${profile}`,
        `root public key: ${rootKey}`,
        `start the server with VALISE_NETWORK=${key.root.network} VALISE_ROOT_KEY=${rootKey}`,
      ],
    };
  },
};
