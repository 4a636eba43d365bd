/**
 * The entry of `valise`. `main` runs one command line against what its caller hands it
 * (arguments, environment, home folder, standard streams) and returns the exit code: it
 * never exits the process and keeps no state, so the test suite runs the real command
 * in-process. `processIo` is the one place that reads the real process; bin/valise.mjs
 * joins the two.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { configDir } from '../client/config-dir.ts';
import { passphraseFromEnvironment } from './passphrase-from-environment.ts';
import { runCli } from './run-cli.ts';
import { startBackground } from './start-background.ts';
import { startServer } from './start-server.ts';
import { promptHidden } from './terminal-prompt.ts';

/** What one run of `valise` is given. */
export interface CliProcess {
  /** The arguments after `valise`. */
  readonly argv: readonly string[];
  /**
   * VALISE_CONFIG_DIR, XDG_CONFIG_HOME, VALISE_PROFILE, VALISE_PASSPHRASE_FILE,
   * VALISE_PASSPHRASE, VALISE_ORG_KEY_FILE and VALISE_AGENT_SOCK; `serve` reads its own settings here.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Profiles live under it unless the environment names another folder. */
  readonly home: string;
  /** The uid that must own key files; undefined where the platform has none. */
  readonly uid: number | undefined;
  /** All of standard input. */
  readonly readStdin: () => Promise<Uint8Array>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stderrIsTty: boolean;
  /** Asks for a passphrase without echo; absent when standard input is not a terminal. */
  readonly promptPassphrase?: (question: string) => Promise<string>;
  /** log2 of scrypt's N for new key files; only tests lower it (docs/design.md §5). */
  readonly keyFileWorkFactor?: number;
  /** Starts a server node with `env` for `valise serve`; it owns the process from then on. */
  readonly serve: (env: Readonly<Record<string, string | undefined>>) => Promise<{ readonly url: string }>;
  /** Registers `stop` for SIGINT and SIGTERM; returns what removes it. */
  readonly onStop?: (stop: () => void) => () => void;
  /** Starts `valise <argv>` in the background (the key agent); see CliEnvironment. */
  readonly startBackground?: (argv: readonly string[], input: string) => Promise<string>;
  readonly pid?: number;
}

export function main(io: CliProcess): Promise<number> {
  return runCli(io.argv, {
    configDir: configDir(io.env, io.home),
    defaultProfile: io.env.VALISE_PROFILE || 'default',
    fetch: (input, init) => globalThis.fetch(input, init),
    clock: { nowSeconds: () => Math.floor(Date.now() / 1000) },
    uid: io.uid,
    stdout: io.stdout,
    stderr: io.stderr,
    stderrIsTty: io.stderrIsTty,
    readStdin: io.readStdin,
    readFile: async (path) => new Uint8Array(await readFile(path)),
    writeNewFile: (path, data) => writeFile(path, data, { flag: 'wx', mode: 0o600 }),
    passphrase: passphraseFromEnvironment(io.env, io.promptPassphrase),
    ...(io.env.VALISE_ORG_KEY_FILE ? { orgKeyFile: io.env.VALISE_ORG_KEY_FILE } : {}),
    ...(io.env.VALISE_AGENT_SOCK ? { agentSocket: io.env.VALISE_AGENT_SOCK } : {}),
    ...(io.startBackground ? { startBackground: io.startBackground } : {}),
    ...(io.pid !== undefined ? { pid: io.pid } : {}),
    ...(io.keyFileWorkFactor !== undefined ? { keyFileWorkFactor: io.keyFileWorkFactor } : {}),
    serve: () => io.serve(io.env),
    ...(io.onStop ? { onStop: io.onStop } : {}),
  });
}

/** This process: its arguments, environment and streams. */
export function processIo(): CliProcess {
  return {
    argv: process.argv.slice(2),
    env: process.env,
    home: homedir(),
    uid: process.getuid?.(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTty: process.stderr.isTTY === true,
    ...(process.stdin.isTTY ? { promptPassphrase: promptHidden } : {}),
    serve: startServer,
    pid: process.pid,
    startBackground: (argv, input) => startBackground(process.execPath, process.argv[1] ?? '', argv, input),
    onStop: (stop) => {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      };
    },
  };
}
