/**
 * `valise agent` end to end: the real server (a child process) and the real command, in this
 * process (`agent start --foreground`) and once as `npx valise` runs it (in the background).
 * With the agent running, a diplomat's `send`, `inbox` and `read` need no passphrase; once it
 * is stopped they do again; a copy of her profile folder needs it all along. Every test stops
 * the agents it started; the folders go at the end.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { passphraseFromEnvironment } from '../../src/cli/passphrase-from-environment.ts';
import { agentFolder, agentLogPath, agentSocketPath } from '../../src/client/agent-socket.ts';
import { FileKeyStore } from '../../src/client/file-key-store.ts';
import { heldKeys } from '../../src/client/key-store.ts';
import { exportSeed } from '../../src/core/crypto/ed25519.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { toBase64url } from '../../src/core/encoding/bytes.ts';
import type { RunningServer } from './child-processes.ts';
import { spawnValise, startServer } from './child-processes.ts';
import { type CliRun, runValise, TEST_PASSPHRASE } from './run-valise.ts';

describe('valise agent', { timeout: 300_000 }, () => {
  let configDir: string;
  let dataDir: string;
  let server: RunningServer | undefined;
  let rootKey: string;

  const valise = (profile: string, argv: readonly string[], env: Record<string, string> = {}, stdin = '') =>
    runValise(['--profile', profile, ...argv], { VALISE_CONFIG_DIR: configDir, ...env }, stdin);
  /** No passphrase of any kind: only an agent can open the key file. */
  const NONE = { VALISE_PASSPHRASE: '' };
  const ok = async (
    profile: string,
    argv: readonly string[],
    env: Record<string, string> = {},
    stdin = '',
  ) => {
    const run = await valise(profile, ['--json', ...argv], env, stdin);
    assert.equal(run.code, 0, `valise --profile ${profile} ${argv.join(' ')} failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  /** The officer acts the server held (docs/design.md §5), confirmed by DE's second officer. */
  const confirmHeld = async (output: Record<string, unknown>) => {
    const held = Array.isArray(output.held) ? output.held : output.held ? [output.held] : [];
    for (const act of held as { id: string }[]) await ok('de-so2', ['officer', 'confirm', act.id]);
  };

  /**
   * `agent start --foreground` in this process; resolves once `agent status` answers, with
   * the run that ends when the agent stops (in an object: an async function would wait for it).
   */
  const startAgent = async (profile: string): Promise<{ serving: Promise<CliRun> }> => {
    const serving = valise(profile, ['agent', 'start', '--foreground', '--idle', '10m']);
    for (let i = 0; i < 600; i++) {
      if ((await valise(profile, ['agent', 'status'], NONE)).code === 0) return { serving };
      const early = await Promise.race([serving, new Promise((done) => setTimeout(done, 50, undefined))]);
      if (early) assert.fail(`the agent exited: ${(early as CliRun).stderr}`);
    }
    return assert.fail('the agent did not answer');
  };

  before(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'valise-agent-config-'));
    dataDir = await mkdtemp(join(tmpdir(), 'valise-agent-data-'));
    rootKey = String(
      (await ok('authority', ['network', 'init', '--network', 'agent', '--accreditation', 'RESTREINT UE']))
        .rootKey,
    );
    server = await startServer({
      VALISE_DATA_DIR: dataDir,
      VALISE_NETWORK: 'agent',
      VALISE_ROOT_KEY: rootKey,
    });
    const orgKeyFile = join(configDir, 'DE-org-key.json');
    const requested = await ok('de-so', ['org', 'request', 'DE', '--key-file', orgKeyFile]);
    await ok('authority', [
      'org',
      'certify',
      String(requested.request),
      '--name',
      'Auswärtiges Amt',
      '--accreditation',
      'RESTREINT UE',
      '--server',
      server.url,
    ]);
    // Two officers, founded with the organisation key on the day it was certified: the second
    // confirms the first's command-line acts (docs/design.md §5, "Officer acts").
    for (const [profile, user] of [
      ['de-so', 'de.officer'],
      ['de-so2', 'de.officer.2'],
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
        server.url,
        '--root',
        rootKey,
        '--label',
        'officer laptop',
      ]);
    }
    const invitation = await ok('de-so', [
      'invite',
      '--user',
      'de.anna',
      '--name',
      'Anna Schmidt',
      '--clearance',
      'RESTREINT UE',
    ]);
    await confirmHeld(invitation);
    const enrolled = await ok('de-anna', [
      'enrol',
      '--server',
      server.url,
      '--root',
      rootKey,
      '--label',
      'laptop',
      '--',
      String(invitation.code),
    ]);
    await confirmHeld(
      await ok('de-so', ['approve', String(enrolled.device), '--code', String(enrolled.comparisonCode)]),
    );
  });
  after(async () => {
    await server?.stop();
    for (const made of [configDir, dataDir]) if (made) await rm(made, { recursive: true, force: true });
  });

  test('--help names start, stop and status, and says the keys never leave the agent', async () => {
    const run = await valise('de-anna', ['agent', 'start', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: valise agent start /);
    assert.match(run.stdout, /--idle/);
    assert.match(run.stdout, /never hands out the keys/);
    const general = await runValise(['--help'], {});
    assert.match(general.stdout, /agent start/);
    assert.match(general.stdout, /agent stop/);
    assert.match(general.stdout, /agent status/);
  });

  test('with the agent, send, inbox and read need no passphrase; after stop they do again', async () => {
    const before = await valise('de-anna', ['inbox'], NONE);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /^valise: PASSPHRASE_REQUIRED: /);

    const { serving } = await startAgent('de-anna');
    const dir = join(configDir, 'de-anna');
    const folder = await lstat(agentFolder(dir));
    assert.equal(folder.mode & 0o777, 0o700);
    const socket = await lstat(agentSocketPath(dir));
    assert.ok(socket.isSocket());
    assert.equal(socket.mode & 0o777, 0o600);

    const sent = await ok(
      'de-anna',
      ['send', '--to', 'DE', '--classification', 'RESTREINT UE', '--subject', 'Through the agent'],
      NONE,
      'Signed by the agent.',
    );
    const inbox = await ok('de-anna', ['inbox'], NONE);
    assert.ok((inbox.items as { id: string }[]).some((item) => item.id === sent.id));
    // Another recipient who never opened it lists its subject from the sealed summary, whose
    // wrap its own agent opens.
    const officer = await startAgent('de-so');
    const officerInbox = await ok('de-so', ['inbox'], NONE);
    const listed = (officerInbox.items as { id: string; subject?: string }[]).find((i) => i.id === sent.id);
    assert.equal(listed?.subject, 'Through the agent');
    assert.equal((await valise('de-so', ['agent', 'stop'], NONE)).code, 0);
    assert.equal((await officer.serving).code, 0);
    const read = await ok('de-anna', ['read', String(sent.id)], NONE);
    assert.match(JSON.stringify(read), /Signed by the agent\./);
    const status = await ok('de-anna', ['agent', 'status'], NONE);
    assert.equal((status.agent as { profile: string }).profile, 'de-anna');

    const stopped = await valise('de-anna', ['agent', 'stop'], NONE);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((await serving).code, 0, 'the foreground agent ends when stopped');
    await assert.rejects(lstat(agentSocketPath(dir)), { code: 'ENOENT' });
    const afterStop = await valise('de-anna', ['inbox'], NONE);
    assert.equal(afterStop.code, 1);
    assert.match(afterStop.stderr, /^valise: PASSPHRASE_REQUIRED: /);
    assert.equal((await valise('de-anna', ['agent', 'status'], NONE)).code, 1);

    // The agent's log says what it did, and holds nothing secret.
    const log = await readFile(agentLogPath(dir), 'utf8');
    assert.match(log, /serving profile de-anna/);
    assert.match(log, /stopped: asked to stop/);
    assert.ok(!log.includes(TEST_PASSPHRASE));
    const store = new FileKeyStore({
      dir,
      name: 'de-anna',
      passphrase: passphraseFromEnvironment({ VALISE_PASSPHRASE: TEST_PASSPHRASE }, undefined),
    });
    const profile = await store.loadProfile();
    const held = heldKeys(profile.device!)!;
    for (const secret of [
      await exportSeed(held.signer.privateKey),
      await XWing.exportPrivateKey(held.kemPrivateKey),
      profile.archiveKey!,
    ]) {
      assert.ok(!log.includes(toBase64url(secret)));
    }
  });

  test('a copy of the profile folder needs the passphrase while the agent runs', async () => {
    const { serving } = await startAgent('de-anna');
    try {
      execFileSync('cp', ['-r', join(configDir, 'de-anna'), join(configDir, 'de-copy')]);
      const copy = await valise('de-copy', ['inbox'], NONE);
      assert.equal(copy.code, 1);
      assert.match(copy.stderr, /^valise: PASSPHRASE_REQUIRED: /);
      assert.equal((await valise('de-anna', ['inbox'], NONE)).code, 0, 'the original still uses its agent');
    } finally {
      assert.equal((await valise('de-anna', ['agent', 'stop'], NONE)).code, 0);
      await serving;
    }
  });

  test('a second agent for the same profile is refused', async () => {
    const { serving } = await startAgent('de-anna');
    try {
      const second = await valise('de-anna', ['agent', 'start', '--foreground']);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /^valise: AGENT_RUNNING: /);
    } finally {
      assert.equal((await valise('de-anna', ['agent', 'stop'], NONE)).code, 0);
      await serving;
    }
  });

  test('a service device keeps its key file in clear: it needs no agent, and start says so', async () => {
    const invitation = await ok('de-so', [
      'invite',
      '--user',
      'de.registry',
      '--name',
      'DE registry desk',
      '--clearance',
      'RESTREINT UE',
      '--role',
      'registry',
    ]);
    await confirmHeld(invitation);
    const enrolled = await ok('de-desk', [
      'enrol',
      '--service',
      '--server',
      server!.url,
      '--root',
      rootKey,
      '--label',
      'desk',
      '--',
      String(invitation.code),
    ]);
    await confirmHeld(
      await ok('de-so', ['approve', String(enrolled.device), '--code', String(enrolled.comparisonCode)]),
    );
    const start = await valise('de-desk', ['agent', 'start', '--foreground'], NONE);
    assert.equal(start.code, 1);
    assert.match(start.stderr, /^valise: INVALID_ARGUMENT: .*in clear.*no agent/);
    assert.equal((await valise('de-desk', ['inbox'], NONE)).code, 0, 'its commands need no passphrase');
  });

  test('npx valise agent start runs it in the background until agent stop', async () => {
    const env = { VALISE_CONFIG_DIR: configDir };
    const wrong = await spawnValise(['--profile', 'de-anna', 'agent', 'start'], {
      ...env,
      VALISE_PASSPHRASE: 'not the passphrase',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^valise: PASSPHRASE_WRONG: /);
    assert.equal(
      (await valise('de-anna', ['agent', 'status'], NONE)).code,
      1,
      'no agent after a wrong passphrase',
    );
    const started = await spawnValise(['--profile', 'de-anna', 'agent', 'start', '--json'], env);
    try {
      assert.equal(started.code, 0, started.stderr);
      const agent = (JSON.parse(started.stdout) as { agent: { pid: number; profile: string } }).agent;
      assert.equal(agent.profile, 'de-anna');
      assert.notEqual(agent.pid, process.pid);
      const inbox = await valise('de-anna', ['inbox'], NONE);
      assert.equal(inbox.code, 0, inbox.stderr);
    } finally {
      const stop = await valise('de-anna', ['agent', 'stop'], NONE);
      assert.equal(stop.code, 0, stop.stderr);
    }
    assert.equal((await valise('de-anna', ['agent', 'status'], NONE)).code, 1);
  });
});
