/**
 * `valise` as a real process (bin/valise.mjs, exactly as `npx valise` runs it). The other CLI
 * suites run the same entry function in-process; these few runs check the shell around it:
 * arguments, standard streams and exit codes, and `valise serve`, which starts a server node
 * through the server's own start function and hands its process over to it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningServer, spawnValise, startServe } from './child-processes.ts';

describe('valise as a process', { timeout: 600_000 }, () => {
  let configDir: string;
  let dataDir: string;
  let serve: RunningServer | undefined;
  /** The root key `network init` made, which `serve` is then configured with. */
  let rootKey: string | undefined;
  const valise = (argv: readonly string[]) => spawnValise(argv, { VALISE_CONFIG_DIR: configDir });

  before(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'valise-smoke-config-'));
    dataDir = await mkdtemp(join(tmpdir(), 'valise-smoke-data-'));
  });
  after(async () => {
    await serve?.stop();
    for (const made of [configDir, dataDir]) if (made) await rm(made, { recursive: true, force: true });
  });

  test('--help prints every verb on stdout and exits 0', async () => {
    const run = await valise(['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^usage: valise <verb>/);
    for (const verb of ['network init', 'org request', 'org certify', 'enrol', 'send', 'read', 'serve'])
      assert.ok(run.stdout.includes(`  ${verb} `), verb);
    assert.equal(run.stderr, '');
  });

  test('a wrong invocation exits 2 and a failure exits 1, each with one line on stderr', async () => {
    const usage = await valise(['fly']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^valise: USAGE: unknown verb "fly"; one of: .*\n$/);
    assert.equal(usage.stdout, '');
    const failed = await valise(['inbox', '--json']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^valise: NOT_CONFIGURED: [^\n]*valise enrol[^\n]*\n$/);
    assert.equal((JSON.parse(failed.stdout) as { error: { code: string } }).error.code, 'NOT_CONFIGURED');
  });

  test('network init runs for real: one JSON document on stdout, a 0600 key file, exit 0', async () => {
    const run = await valise(['network', 'init', '--network', 'smoke', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const json = JSON.parse(run.stdout) as { network: string; rootKey: string };
    assert.equal(json.network, 'smoke');
    assert.match(json.rootKey, /^[A-Za-z0-9_-]{43}$/);
    const keyFile = join(configDir, 'default', 'root-key.json');
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600, `${keyFile} is 0600`);
    rootKey = json.rootKey;
  });

  test('valise serve starts a node, prints its address, answers on it, and stops on SIGTERM with exit 0', async () => {
    assert.ok(rootKey, 'network init made a root key');
    serve = await startServe({
      VALISE_DATA_DIR: dataDir,
      VALISE_NETWORK: 'smoke',
      VALISE_ROOT_KEY: rootKey,
    });
    const response = await fetch(`${serve.url}/api/v1/network`);
    assert.equal(response.status, 200);
    const network = (await response.json()) as { network: string; rootKey: string };
    assert.deepEqual([network.network, network.rootKey], ['smoke', rootKey]);
    assert.equal(await serve.stop(), 0, serve.log());
    serve = undefined;
  });

  test('valise serve with a refused setting exits 1 with one line naming it', async () => {
    const run = await spawnValise(['serve'], {
      VALISE_CONFIG_DIR: configDir,
      VALISE_DATA_DIR: dataDir,
      VALISE_ROOT_KEY: 'not-a-key',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^valise: CONFIG_INVALID: VALISE_ROOT_KEY must be [^\n]*\n$/);
  });
});
