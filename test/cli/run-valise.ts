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

/** `valise ...argv` with this environment (as for a child process) and standard input. */
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
    env: { HOME: home, ...env },
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
    serve: async () => {
      throw new Error('valise serve takes over its process: smoke.test.ts runs it as a child process');
    },
  });
  return { code, stdout, stderr };
}
