/**
 * `valise org request`: an organisation's first security officer makes the organisation key
 * on their own machine, in its own encrypted file, and prints the signing request to hand to
 * the network authority (docs/design.md §5, "Organisation keys").
 */

import { requestOrgKey } from '../../client/request-org-key.ts';
import { formatOrgKeyRequest } from '../../core/identity/org-key-request.ts';
import { orgId, positional, required, text } from '../option-values.ts';
import { orgKeyFileOptions } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const orgRequest: Verb = {
  name: 'org request',
  summary: "make your organisation's key and its signing request (first security officer)",
  synopsis: '<ORG> --key-file <file> [--out <file>]',
  help: [
    '<ORG>              the organisation id, e.g. DE, EEAS',
    '--key-file <file>  where the organisation key is kept, encrypted under its own passphrase',
    '                   (made if absent; keep it apart from any device, e.g. on removable media)',
    '--out <file>       also write the request to this file',
    'Prints the signing request (one line) and the key fingerprint: hand the request to the network',
    'authority (valise org certify) and read them the fingerprint by another channel.',
  ],
  options: {
    'key-file': { type: 'string' },
    out: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, cli) {
    const org = orgId(positional(positionals, 0, '<ORG>'), '<ORG>');
    const keyFile = required(values, 'key-file');
    const requested = await requestOrgKey(org, keyFile, orgKeyFileOptions(cli));
    const request = formatOrgKeyRequest(requested.request);
    const out = text(values, 'out');
    if (out !== undefined) await cli.writeNewFile(out, new TextEncoder().encode(`${request}\n`));
    return {
      json: { org, keyFile, made: requested.made, fingerprint: requested.fingerprint, request },
      text: [
        `${requested.made ? 'made' : 'read'} the organisation key of ${org} in ${keyFile} (keep it offline)`,
        `fingerprint: ${requested.fingerprint}`,
        `signing request for the network authority (valise org certify):`,
        request,
      ],
    };
  },
};
