/**
 * Runs the real `valise` command in this process, through its entry function (src/cli/main.ts),
 * exactly as bin/valise.mjs does but with the arguments, environment and standard streams
 * handed in and captured: the same parsing, key files, HTTP requests and exit code, without
 * the second or so a child process costs. smoke.test.ts keeps a few runs as real processes.
 */
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The passphrase every test profile's key files are encrypted under (given as VALISE_PASSPHRASE). */
export const TEST_PASSPHRASE = 'test passphrase of the CLI suites';
/** scrypt's log2 N for the suites' key files: low, through the explicit option, so tests stay quick. */
export const TEST_WORK_FACTOR = 10;

/**
 * `valise ...argv` with this environment (as for a child process) and standard input. The
 * key files' passphrase is TEST_PASSPHRASE unless `env` says otherwise (an empty
 * VALISE_PASSPHRASE gives none).
 */
export async function runValise(
  argv: readonly string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const home = env.HOME ?? '/nonexistent';
  const code = await main({
    argv,
    env: { HOME: home, VALISE_PASSPHRASE: TEST_PASSPHRASE, ...env },
    home,
    uid: process.getuid?.(),
    readStdin: async () => new TextEncoder().encode(stdin),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stderrIsTty: false,
    keyFileWorkFactor: TEST_WORK_FACTOR,
    serve: async () => {
      throw new Error('valise serve takes over its process: smoke.test.ts runs it as a child process');
    },
  });
  return { code, stdout, stderr };
}
