/**
 * `valise org certify`: the network authority certifies an organisation from its signing
 * request, with the root key. The authority never sees the organisation's private key.
 */
import { certifyOrg } from '../../client/certify-org.ts';
import { fromUtf8 } from '../../core/encoding/bytes.ts';
import { keyFingerprint, ORG_KEY_REQUEST_PREFIX } from '../../core/identity/org-key-request.ts';
import type { CliEnvironment } from '../cli-environment.ts';
import { CliError } from '../cli-error.ts';
import { classification, positional, required, serverUrl, text } from '../option-values.ts';
import { keyStore } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const orgCertify: Verb = {
  name: 'org certify',
  summary: "certify an organisation's key from its signing request (network authority)",
  synopsis: '<request|file> --name <name> --accreditation <level> [--server <url>]',
  help: [
    '<request|file>           the line valise org request printed, or a file holding it',
    '--name <name>            the organisation full name',
    '--accreditation <level>  the highest classification its systems may hold',
    "--server <url>           the server (default: the profile's)",
    "Check the printed fingerprint with the organisation's officer by another channel first.",
  ],
  options: {
    name: { type: 'string' },
    accreditation: { type: 'string' },
    server: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const server = text(values, 'server');
    const certified = await certifyOrg({
      store: keyStore(cli, profile),
      fetch: cli.fetch,
      clock: cli.clock,
      request: await requestText(positional(positionals, 0, '<request|file>'), cli),
      name: required(values, 'name'),
      accreditation: classification(required(values, 'accreditation'), 'accreditation'),
      ...(server ? { server: serverUrl(server) } : {}),
    });
    const cert = certified.entry.body;
    const fingerprint = keyFingerprint(cert.key);
    return {
      json: {
        org: cert.org,
        name: cert.name,
        accreditation: cert.accreditation,
        fingerprint,
        index: certified.posted.index,
        epoch: certified.posted.epoch,
      },
      text: [
        `${cert.org} (${cert.name}) certified up to ${cert.accreditation}; directory entry ${certified.posted.index}`,
        `organisation key fingerprint: ${fingerprint} (the officer's valise org request printed the same)`,
      ],
    };
  },
};

async function requestText(argument: string, cli: CliEnvironment): Promise<string> {
  if (argument.startsWith(ORG_KEY_REQUEST_PREFIX)) return argument;
  let data: Uint8Array;
  try {
    data = await cli.readFile(argument);
  } catch (cause) {
    throw new CliError('INPUT_FAILED', `cannot read the signing request ${argument}`, { cause });
  }
  const line = data.length <= 4096 ? fromUtf8(data) : undefined;
  if (line === undefined) throw new CliError('INPUT_FAILED', `${argument} is not a signing request`);
  return line;
}
