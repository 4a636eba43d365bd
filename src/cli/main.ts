/**
 * The entry of `valise`: the one place that reads the process (argv, environment, home
 * folder, uid, standard streams) and wires the real network, clock and files into the CLI.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { configDir } from '../client/config-dir.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { runCli } from './run-cli.ts';
import { startServer } from './start-server.ts';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

const environment: CliEnvironment = {
  configDir: configDir(process.env, homedir()),
  defaultProfile: process.env.VALISE_PROFILE || 'default',
  fetch: (input, init) => globalThis.fetch(input, init),
  clock: { nowSeconds: () => Math.floor(Date.now() / 1000) },
  uid: process.getuid?.(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
  readStdin,
  readFile: async (path) => new Uint8Array(await readFile(path)),
  writeNewFile: (path, data) => writeFile(path, data, { flag: 'wx', mode: 0o600 }),
  serve: startServer,
};

// Exit code only: `serve` leaves the server running, every other verb ends here.
process.exitCode = await runCli(process.argv.slice(2), environment);
