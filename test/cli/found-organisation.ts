/**
 * Founding an organisation and enrolling its people through the real `valise` command, as
 * the end-to-end CLI suites do before their tests: the organisation key is requested and
 * certified by the network authority, two officers enrol with it on the day (the second
 * confirms the first's command-line acts, docs/design.md §5 "Officer acts"), and a person is
 * invited, enrolled and approved with every held act confirmed.
 */
import { join } from 'node:path';

/** `valise --json --profile <profile> ...argv`, asserted to succeed, its JSON output. */
export type Ok = (profile: string, argv: readonly string[]) => Promise<Record<string, unknown>>;
/** Confirms the officer acts the server held in a command's output. */
export type ConfirmHeld = (output: Record<string, unknown>) => Promise<void>;

/** Confirms, as `profile` (a second officer), every act held in a command's output. */
export function confirmHeldBy(ok: Ok, profile: string): ConfirmHeld {
  return async (output) => {
    const held = Array.isArray(output.held) ? output.held : output.held ? [output.held] : [];
    for (const act of held as { id: string }[]) await ok(profile, ['officer', 'confirm', act.id]);
  };
}

export interface Founding {
  /** The organisation's id (`DE`); its officers are profiles `de-so` and `de-so2`, users `de.officer` and `de.officer.2`. */
  readonly org: string;
  /** The organisation's name, as the authority certifies it. */
  readonly name: string;
  /** Where the organisation key file goes (`<org>-org-key.json`). */
  readonly configDir: string;
  readonly server: string;
  readonly rootKey: string;
}

/** Founds `org` with its two officers; answers the confirmation by its second officer. */
export async function foundOrganisation(ok: Ok, founding: Founding): Promise<ConfirmHeld> {
  const { org, name, configDir, server, rootKey } = founding;
  const lower = org.toLowerCase();
  const so = `${lower}-so`;
  const orgKeyFile = join(configDir, `${org}-org-key.json`);
  const requested = await ok(so, ['org', 'request', org, '--key-file', orgKeyFile]);
  await ok('authority', [
    'org',
    'certify',
    String(requested.request),
    '--name',
    name,
    '--accreditation',
    'RESTREINT UE',
    '--server',
    server,
  ]);
  for (const [profile, user] of [
    [so, `${lower}.officer`],
    [`${so}2`, `${lower}.officer.2`],
  ] as const) {
    await ok(profile, [
      'enrol',
      '--org-key',
      orgKeyFile,
      '--user',
      user,
      '--name',
      `Officer ${user}`,
      '--clearance',
      'RESTREINT UE',
      '--server',
      server,
      '--root',
      rootKey,
      '--label',
      'officer laptop',
    ]);
  }
  return confirmHeldBy(ok, `${so}2`);
}

export interface Enrolment {
  /** The officer's profile who invites and approves. */
  readonly officer: string;
  /** The new device's profile. */
  readonly profile: string;
  /** `valise invite`'s arguments. */
  readonly invite: readonly string[];
  /** `valise enrol`'s arguments before the invitation code. */
  readonly enrol: readonly string[];
}

/** Invites, enrols and approves a person, confirming each held act; answers `enrol`'s output. */
export async function enrolPerson(
  ok: Ok,
  confirmHeld: ConfirmHeld,
  enrolment: Enrolment,
): Promise<Record<string, unknown>> {
  const { officer, profile } = enrolment;
  const invitation = await ok(officer, ['invite', ...enrolment.invite]);
  await confirmHeld(invitation);
  // `--` first: a code may start with '-' (its id is random base64url).
  const enrolled = await ok(profile, ['enrol', ...enrolment.enrol, '--', String(invitation.code)]);
  await confirmHeld(
    await ok(officer, ['approve', String(enrolled.device), '--code', String(enrolled.comparisonCode)]),
  );
  return enrolled;
}
