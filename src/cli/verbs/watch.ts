/**
 * `valise watch`: the watch's events of your organisation as they happen (docs/design.md §9),
 * one line each, for a security officer's terminal or a script: `--json` prints one JSON
 * object per line, `--exit-on-alert` ends at the first alarm (alert, hold, suspension) with
 * exit code 3, so `valise watch --exit-on-alert && …` or a supervisor can act on it.
 * Without it the command follows until stopped (Ctrl-C), reopening a dropped stream where it
 * left off; `--after <leaf>` resumes after the last line a previous run printed.
 */
import { describeWatchEvent, followWatch, isAlarm } from '../../client/follow-watch.ts';
import { CliError } from '../cli-error.ts';
import { flag, orgId, text } from '../option-values.ts';
import { deviceSession } from '../profile.ts';
import type { Verb } from '../verb.ts';

/** The exit code of `--exit-on-alert` when an alarm arrived (1 and 2 are failures and usage). */
export const EXIT_ALERT = 3;

export const watchVerb: Verb = {
  name: 'watch',
  summary: "follow the watch's alerts live (security officers; the network authority with --org)",
  synopsis: '[--exit-on-alert] [--after <leaf>] [--org <ORG>]',
  help: [
    '--exit-on-alert  stop at the first alert, hold or suspension, with exit code 3',
    '--after <leaf>   start after this audit-log leaf (the first number of a line), missing nothing;',
    '                 without it, from now on',
    '--org <ORG>      another organisation (network authority only)',
    'One line per event: leaf, time (UTC), what, organisation, person, device and why.',
    'With --json, one JSON object per line: { leaf, event } (the audit event as logged).',
  ],
  options: {
    'exit-on-alert': { type: 'boolean' },
    after: { type: 'string' },
    org: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values, profile }, cli) {
    const org = text(values, 'org');
    const afterText = text(values, 'after');
    const after = afterText === undefined ? undefined : leafIndex(afterText);
    const exitOnAlert = flag(values, 'exit-on-alert');
    const json = flag(values, 'json');
    const session = await deviceSession(cli, profile);
    const watched = org ? orgId(org, '--org') : session.device.org;
    if (cli.stderrIsTty) cli.stderr(`watching ${watched} (Ctrl-C to stop)\n`);
    for await (const { leaf, event } of followWatch(session.api, {
      ...(org ? { org: watched } : {}),
      ...(after !== undefined ? { after } : {}),
    })) {
      cli.stdout(json ? `${JSON.stringify({ leaf, event })}\n` : `${leaf}  ${describeWatchEvent(event)}\n`);
      if (exitOnAlert && isAlarm(event))
        return { json: null, text: [], streamed: true, exitCode: EXIT_ALERT };
    }
    return { json: null, text: [], streamed: true };
  },
};

function leafIndex(value: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new CliError('USAGE', '--after must be a leaf number (0 or more)');
  }
  return Number(value);
}
