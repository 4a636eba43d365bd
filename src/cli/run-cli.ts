/**
 * The `valise` command: finds the verb, parses its options with node:util parseArgs
 * (strict: an unknown option is an error, never ignored), runs it and prints its result
 * as text or, with --json, as one JSON document. Exit code 0 only on success; on failure
 * exactly one line on stderr, `valise: CODE: what happened and what to do`, exit code 2
 * for a wrong invocation and 1 for everything else.
 */
import { parseArgs } from 'node:util';
import { ValiseError } from '../core/valise-error.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { CliError } from './cli-error.ts';
import type { OptionValues, Verb, VerbOptions, VerbOutput } from './verb.ts';
import { VERBS } from './verbs.ts';

/** Options every verb takes. */
export const COMMON_OPTIONS: VerbOptions = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  profile: { type: 'string' },
};

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface ParsedCommand {
  readonly verb: Verb;
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

export async function runCli(
  argv: readonly string[],
  cli: CliEnvironment,
  verbs: readonly Verb[] = VERBS,
): Promise<number> {
  const json = argv.includes('--json');
  try {
    const found = findVerb(argv, verbs);
    if (!found) {
      if (argv.includes('--help') || argv.includes('-h')) {
        cli.stdout(`${generalHelp(verbs)}\n`);
        return EXIT_OK;
      }
      throw new CliError('USAGE', noVerbMessage(argv, verbs));
    }
    const command = parseCommand(found.verb, found.args);
    if (command.values.help === true) {
      cli.stdout(`${verbHelp(command.verb)}\n`);
      return EXIT_OK;
    }
    const profile = typeof command.values.profile === 'string' ? command.values.profile : cli.defaultProfile;
    const output = await command.verb.run(
      { values: command.values, positionals: command.positionals, profile },
      cli,
    );
    if (!output.streamed) print(cli, output, command.values.json === true);
    return output.exitCode ?? EXIT_OK;
  } catch (error) {
    const { code, message } = describeFailure(error);
    cli.stderr(`valise: ${code}: ${message}\n`);
    if (json) cli.stdout(`${JSON.stringify({ error: { code, message } })}\n`);
    return error instanceof CliError && error.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILED;
  }
}

/** The verb named by the first words that are not options, and the rest of the arguments. */
export function findVerb(
  argv: readonly string[],
  verbs: readonly Verb[],
): { verb: Verb; args: string[] } | undefined {
  const lead: string[] = [];
  let i = 0;
  // Common options may come before the verb: `valise --profile de send ...`.
  for (let token = argv[i]; token?.startsWith('-'); token = argv[i]) {
    lead.push(token);
    i++;
    const value = argv[i];
    if (token === '--profile' && value !== undefined) {
      lead.push(value);
      i++;
    }
  }
  const words = argv.slice(i);
  const two = `${words[0]} ${words[1]}`;
  const verb = verbs.find((v) => v.name === two) ?? verbs.find((v) => v.name === words[0]);
  if (!verb) return undefined;
  return { verb, args: [...lead, ...words.slice(verb.name.split(' ').length)] };
}

export function parseCommand(verb: Verb, args: readonly string[]): ParsedCommand {
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    const options = { ...COMMON_OPTIONS, ...verb.options };
    parsed = parseArgs({
      args: bindValues(args, options),
      options,
      allowPositionals: true,
      strict: true,
    }) as { values: OptionValues; positionals: string[] };
  } catch (cause) {
    const why =
      cause instanceof Error
        ? (cause.message.split('\n')[0] ?? '').replace(/\. To specify.*$/, '')
        : String(cause);
    throw new CliError('USAGE', `${why}; see valise ${verb.name} --help`, { cause });
  }
  if (parsed.values.help !== true) {
    const n = parsed.positionals.length;
    if (n < verb.positionals.min || n > verb.positionals.max) {
      const expected =
        n < verb.positionals.min
          ? 'missing argument'
          : `unexpected argument ${JSON.stringify(parsed.positionals[verb.positionals.max])}`;
      throw new CliError('USAGE', `${expected}: valise ${verb.name} ${verb.synopsis.split('\n')[0]}`);
    }
  }
  return { verb, values: parsed.values, positionals: parsed.positionals };
}

/**
 * Our values are mostly base64url (root keys, ids, enrolment codes), and one in 64 of them
 * begins with '-', which parseArgs would take for an option: `--root -pIM6…` is refused as
 * ambiguous, and a positional `-abc.def` as an unknown option. So the word after a string
 * option is its value, whatever it begins with, and a word with one '-' that names no short
 * option is a positional. Everything after `--` stays a positional.
 */
export function bindValues(args: readonly string[], options: VerbOptions): string[] {
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short ? [`-${o.short}`] : [])));
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    const value = args[i + 1];
    if (word === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const takesValue = !word.includes('=') && options[word.slice(2)]?.type === 'string';
      if (takesValue && value !== undefined) {
        flags.push(`${word}=${value}`);
        i++;
      } else {
        flags.push(word);
      }
    } else if (word.length > 1 && word.startsWith('-') && shorts.has(word)) {
      flags.push(word);
    } else {
      positionals.push(word);
    }
  }
  return [...flags, '--', ...positionals];
}

function print(cli: CliEnvironment, output: VerbOutput, json: boolean): void {
  if (json) cli.stdout(`${JSON.stringify(output.json, null, 2)}\n`);
  else if (output.text.length > 0) cli.stdout(`${output.text.join('\n')}\n`);
}

/** The code and the one-line message of a failure. */
export function describeFailure(error: unknown): { code: string; message: string } {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  if (error instanceof ValiseError) return { code: error.code, message: oneLine(error.message) };
  const why = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: oneLine(`${why} (a bug in valise; please report it with the command you ran)`),
  };
}

function noVerbMessage(argv: readonly string[], verbs: readonly Verb[]): string {
  const word = argv.find((a) => !a.startsWith('-'));
  const names = verbs.map((v) => v.name).join(', ');
  return word === undefined
    ? `no verb given; one of: ${names} (valise --help)`
    : `unknown verb ${JSON.stringify(word)}; one of: ${names}`;
}

export function generalHelp(verbs: readonly Verb[]): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    'usage: valise <verb> [options]        (valise <verb> --help for its options)',
    '',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '',
    'every verb takes: --profile <name> (key file to use; $VALISE_PROFILE, else "default"),',
    '                  --json (machine-readable output), --help',
  ].join('\n');
}

export function verbHelp(verb: Verb): string {
  return [
    `usage: valise ${verb.name} ${verb.synopsis}`.trimEnd(),
    '',
    verb.summary,
    '',
    ...verb.help.map((line) => `  ${line}`),
    '',
    '  --profile <name>  the profile (key file) to use',
    '  --json            print the result as JSON',
    '  --help            this help',
  ].join('\n');
}
