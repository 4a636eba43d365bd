/**
 * `valise enrol`: this machine becomes a device. With an invitation code (the usual way),
 * or, for an organisation's first security officer, with the organisation key file. The
 * device's key file is encrypted under a passphrase, unless the device is declared a service
 * (`--service`: a registry desk or witness that starts unattended), which its label then says
 * to the approving officer (docs/design.md §5, "Keys on disk").
 */
import { resolve } from 'node:path';

import { enrol } from '../../client/enrol.ts';
import { enrolOfficer } from '../../client/enrol-officer.ts';
import { readOrgKeyFile } from '../../client/org-key-file.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { CliError } from '../cli-error.ts';
import {
  classification,
  flag,
  groups,
  list,
  publicKey,
  required,
  role,
  serverUrl,
  text,
} from '../option-values.ts';
import { keyStore, orgKeyFileOptions } from '../profile.ts';
import type { Verb } from '../verb.ts';

/** The label prefix of a declared service device: what its approving officer sees. */
export const SERVICE_LABEL = 'service: ';

export const enrolVerb: Verb = {
  name: 'enrol',
  summary: 'enrol this machine as a device, with a one-time code',
  synopsis:
    '<code> --server <url> --label <label> [--root <key>]\n       valise enrol --org-key <file> --user <id> --name <name> --clearance <level> --server <url> --label <label>',
  help: [
    '<code>               the one-time code from your security officer',
    '--server <url>       the Valise server',
    '--label <label>      a name for this device (e.g. "laptop")',
    '--root <key>         the network root key from your security officer (pinned; without it the',
    "                     server's is pinned on first use and you must check it)",
    'First security officer of an organisation (no code): --org-key <file> with the organisation key',
    'file from valise org request, and --user, --name, --clearance, --groups, --role (default security-officer).',
    '                     The profile only names that file; each officer act opens it with its passphrase.',
    '--service            a service device (registry desk, witness) whose key file stays in clear so it',
    '                     can start unattended; its label says so to the approving officer',
    'The key file is encrypted under a passphrase: asked at the terminal, or read from the file named by',
    '$VALISE_PASSPHRASE_FILE (or $VALISE_PASSPHRASE).',
  ],
  options: {
    server: { type: 'string' },
    label: { type: 'string' },
    root: { type: 'string' },
    'org-key': { type: 'string' },
    user: { type: 'string' },
    name: { type: 'string' },
    clearance: { type: 'string' },
    role: { type: 'string' },
    groups: { type: 'string', multiple: true },
    service: { type: 'boolean' },
  },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals, profile }, cli) {
    const service = flag(values, 'service');
    const store = keyStore(cli, profile, { service });
    const server = serverUrl(required(values, 'server'));
    const label = service ? `${SERVICE_LABEL}${required(values, 'label')}` : required(values, 'label');
    const rootText = text(values, 'root');
    const root = rootText ? { root: publicKey(rootText, 'root') } : {};
    const orgKeyFile = text(values, 'org-key');
    const code = positionals[0];
    if (code !== undefined && orgKeyFile !== undefined) {
      throw new CliError('USAGE', 'give either an enrolment code or --org-key <file>, not both');
    }
    if (orgKeyFile !== undefined && service) {
      throw new CliError('USAGE', 'a security officer device cannot be a service device: drop --service');
    }
    if (orgKeyFile !== undefined) {
      const { org, signer } = await readOrgKeyFile(orgKeyFile, orgKeyFileOptions(cli));
      const { session, trust } = await enrolOfficer({
        store,
        fetch: cli.fetch,
        clock: cli.clock,
        server,
        label,
        org,
        orgKey: signer,
        orgKeyFile: resolve(orgKeyFile),
        officer: {
          user: required(values, 'user'),
          name: required(values, 'name'),
          clearance: classification(required(values, 'clearance'), 'clearance'),
          role: role(text(values, 'role') ?? 'security-officer'),
          groups: groups(list(values, 'groups')),
        },
        ...root,
      });
      const { device } = session;
      return {
        json: {
          device: device.device,
          user: device.user,
          org: device.org,
          status: 'active',
          trust,
          rootKey: toBase64url(session.network.root.key),
        },
        text: [
          `device ${device.device} (${device.label}) certified for ${device.user} of ${device.org}`,
          ...trustLine(trust, session.network.root.key),
        ],
      };
    }
    if (code === undefined) {
      throw new CliError(
        'USAGE',
        'missing the enrolment code from your security officer: valise enrol <code> --server <url> --label <label>',
      );
    }
    const enrolment = await enrol({
      store,
      fetch: cli.fetch,
      clock: cli.clock,
      server,
      code,
      label,
      ...root,
    });
    return {
      json: {
        device: enrolment.device,
        status: enrolment.status,
        comparisonCode: enrolment.comparisonCode,
        trust: enrolment.trust,
        rootKey: toBase64url(enrolment.network.root.key),
      },
      text: [
        `device ${enrolment.device} (${label}) enrolled, waiting for approval`,
        `read this code to your security officer: ${enrolment.comparisonCode}`,
        `they run: valise approve ${enrolment.device} --code ${enrolment.comparisonCode}`,
        ...trustLine(enrolment.trust, enrolment.network.root.key),
      ],
    };
  },
};

function trustLine(trust: 'given' | 'first-use', key: Uint8Array): string[] {
  return trust === 'first-use'
    ? [`WARNING: network root ${toBase64url(key)} pinned on first use; check it with your security officer`]
    : [];
}
