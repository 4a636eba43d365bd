/**
 * The `valise` command run in-process through runCli against a test app
 * (test/server/fixtures/test-app.ts), for the suites that move the server's clock: a config
 * folder of its own, the app's fetch and clock, standard output and error captured per run,
 * and a profile on disk for any device of the fixture network.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliEnvironment } from '../../src/cli/cli-environment.ts';
import { passphraseFromEnvironment } from '../../src/cli/passphrase-from-environment.ts';
import { keyStore } from '../../src/cli/profile.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import type { ExportableSigner } from '../../src/client/key-store.ts';
import { APP_ORIGIN, appFetch } from '../client/app-fetch.ts';
import { device } from '../server/fixtures/network.ts';
import type { TestApp } from '../server/fixtures/test-app.ts';
import { TEST_PASSPHRASE, TEST_WORK_FACTOR } from './run-valise.ts';

export interface AppCliOptions {
  /** The config folder's prefix in the temporary directory (`valise-cli-acks-`). */
  readonly prefix: string;
  /** What standard input holds for every run (a cable's text). */
  readonly stdin: string;
  /** The app's fetch unless given (a suite playing a malicious server wraps it). */
  readonly fetch?: CliEnvironment['fetch'];
}

/** The command against `t`; `close` removes its config folder. */
export async function appCli(t: TestApp, options: AppCliOptions) {
  const configDir = await mkdtemp(join(tmpdir(), options.prefix));
  let out = '';
  let err = '';
  const cli: CliEnvironment = {
    configDir,
    defaultProfile: 'default',
    fetch: options.fetch ?? appFetch(t.app),
    clock: { nowSeconds: () => Math.floor(t.clock.now() / 1000) },
    uid: process.getuid?.(),
    passphrase: passphraseFromEnvironment({ VALISE_PASSPHRASE: TEST_PASSPHRASE }, undefined),
    keyFileWorkFactor: TEST_WORK_FACTOR,
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    readStdin: async () => new TextEncoder().encode(options.stdin),
    readFile: async () => {
      throw new Error('ENOENT: no such file');
    },
    writeNewFile: async () => {
      throw new Error('EACCES: this test writes no file');
    },
    serve: async () => {
      throw new Error('this test starts no server');
    },
  };

  /** `valise --profile <profile> ...argv`: its exit code, output, and output read as JSON under --json. */
  async function run(profile: string, ...argv: string[]) {
    out = '';
    err = '';
    const code = await runCli(['--profile', profile, ...argv], cli);
    return {
      code,
      stdout: out,
      stderr: err,
      json: argv.includes('--json') && out ? JSON.parse(out) : undefined,
    };
  }

  /**
   * A profile for the fixture network's device `name`, as enrolment leaves it; with
   * `archive`, also a record of opened cables (a reply takes its subject from it).
   */
  async function profileFor(name: string, { archive = false } = {}): Promise<void> {
    const d = device(t.network, name);
    await keyStore(cli, name).saveProfile({
      server: APP_ORIGIN,
      ...(archive ? { archiveKey: crypto.getRandomValues(new Uint8Array(32)) } : {}),
      network: { root: t.network.root, serverKey: t.serverSigner.publicKey },
      device: {
        device: d.id,
        label: d.name,
        signer: d.signer as ExportableSigner,
        kemPrivateKey: d.kemPrivateKey,
        kemPublicKey: d.kemPublicKey,
      },
    });
  }

  return {
    cli,
    run,
    profileFor,
    close: () => rm(configDir, { recursive: true, force: true }),
  };
}

export type AppCli = Awaited<ReturnType<typeof appCli>>;
