/** `valise invite`: a security officer invites a person of their organisation. */

import { invite } from '../../client/invite.ts';
import { toBase64url } from '../../core/encoding/bytes.ts';
import { classification, duration, groups, list, required, role, text } from '../option-values.ts';
import { deviceSession, invitationBookOf, orgKeyOf } from '../profile.ts';
import type { Verb } from '../verb.ts';

export const inviteVerb: Verb = {
  name: 'invite',
  summary: 'issue a one-time enrolment code for a person (security officer)',
  synopsis: '--user <id> --name <name> --clearance <level> [--role member] [--groups A,B] [--expires 24h]',
  help: [
    "--user <id>           the person's id, unique in the network (e.g. de.anna.schmidt)",
    '--name <name>         their full name',
    '--clearance <level>   their security clearance',
    '--role <role>         member (default), registry, security-officer or network-authority',
    '--groups <A,B>        working groups (need-to-know); repeatable',
    '--expires <duration>  how long the code stays valid (default 24h)',
    'Prints the one-time code and the enrol command to give to the person. A person already in',
    'the directory with other attributes gets a new certificate with these. From the command',
    'line the certificate and the invitation are held until a second security officer of your',
    'organisation confirms them (valise officer confirm); the code works from then on.',
  ],
  options: {
    user: { type: 'string' },
    name: { type: 'string' },
    clearance: { type: 'string' },
    role: { type: 'string' },
    groups: { type: 'string', multiple: true },
    expires: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const expires = text(values, 'expires');
    const invitee = {
      user: required(values, 'user'),
      name: required(values, 'name'),
      clearance: classification(required(values, 'clearance'), 'clearance'),
      role: role(text(values, 'role') ?? 'member'),
      groups: groups(list(values, 'groups')),
    };
    const validFor = expires ? { validFor: duration(expires, 'expires') } : {};
    const session = await deviceSession(cli, profile);
    const result = await invite({
      session,
      orgKey: await orgKeyOf(session),
      invitee,
      invitations: invitationBookOf(session, cli),
      ...validFor,
    });
    const rootKey = toBase64url(session.network.root.key);
    const server = session.api.server;
    const command = `valise enrol ${result.code} --server ${server} --root ${rootKey} --label <device label>`;
    return {
      json: {
        code: result.code,
        invitation: result.invitation,
        user: result.user.user,
        org: result.user.org,
        expiresAt: result.expiresAt,
        userCertificateIssued: result.issued,
        server,
        rootKey,
        held: result.held.map(({ id, act, expiresAt }) => ({ id, act, expiresAt })),
      },
      text: [
        `invitation for ${result.user.name} (${result.user.user}, ${result.user.org}), valid until ${new Date(result.expiresAt * 1000).toISOString()}`,
        `code: ${result.code}`,
        `they run: ${command}`,
        'keep this profile: approving their device checks its keys against this invitation',
        ...result.held.map((h) => `held: ${h.message}`),
        ...(result.held.length > 0
          ? ['the code works once a second security officer has confirmed these']
          : []),
      ],
    };
  },
};
