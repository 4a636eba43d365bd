/**
 * The shape of one `valise` verb: its name, what `--help` prints, its options for
 * `node:util` parseArgs, and `run`, which returns both renderings of its result (`json`
 * for `--json`, `text` for people) so every verb offers both the same way.
 */
import type { ParseArgsConfig } from 'node:util';

export type VerbOptions = NonNullable<ParseArgsConfig['options']>;

import type { CliEnvironment } from './cli-environment.ts';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface VerbInput {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  /** The profile chosen with --profile, or the default. */
  readonly profile: string;
}

export interface VerbOutput {
  /** A JSON-ready value (strings, numbers, booleans, arrays, plain objects). */
  readonly json: unknown;
  readonly text: readonly string[];
  /** The verb printed as it went (a live stream): nothing is printed at the end. */
  readonly streamed?: boolean;
  /** A successful run's exit code other than 0 (`watch --exit-on-alert`: an alarm came). */
  readonly exitCode?: number;
}

export interface Verb {
  /** One or two words: `send`, `org certify`. */
  readonly name: string;
  readonly summary: string;
  /** What follows `valise <name>` in the usage line, e.g. `<ORG> --name <name>`. */
  readonly synopsis: string;
  /** Lines describing each option, shown by --help. */
  readonly help: readonly string[];
  readonly options: VerbOptions;
  readonly positionals: { readonly min: number; readonly max: number };
  run(input: VerbInput, cli: CliEnvironment): Promise<VerbOutput>;
}
