/**
 * The key agent over its real Unix socket, in this process: it signs and opens wraps for the
 * profile's file and hands out no key; it refuses another key file; it stops when idle or past
 * its lifetime (a clock the test moves, never a wait), when its key file changes, or when
 * asked, and then a command's store falls back to the passphrase. Each test stops its agent
 * and removes its folder.
 */
import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { AgentClient } from '../../src/client/agent-client.ts';
import { agentFolder, agentSocketPath, makeAgentFolder } from '../../src/client/agent-socket.ts';
import { ClientError } from '../../src/client/client-error.ts';
import { FileKeyStore, profileFolder } from '../../src/client/file-key-store.ts';
import { type KeyAgent, startKeyAgent } from '../../src/client/key-agent.ts';
import { heldKeys } from '../../src/client/key-store.ts';
import { makeDeviceKeys } from '../../src/client/make-device-keys.ts';
import type { PassphraseSource } from '../../src/client/passphrase-source.ts';
import { NO_PASSPHRASE } from '../../src/client/passphrase-source.ts';
import { readPrivateFile } from '../../src/client/private-file.ts';
import { isContentKeyUnwrapper, wrapContentKey } from '../../src/core/cable/key-wrap.ts';
import { exportSeed, verifyEd25519 } from '../../src/core/crypto/ed25519.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { sha256 } from '../../src/core/crypto/sha256.ts';
import { randomBytes, toBase64url, utf8 } from '../../src/core/encoding/bytes.ts';

const PASSPHRASE = 'agent test passphrase';
const WORK_FACTOR = 10;
const IDLE = 900;
const LIFETIME = 43_200;
const uid = process.getuid?.();

const source: PassphraseSource = { unlock: async () => PASSPHRASE, choose: async () => PASSPHRASE };

interface Running {
  readonly dir: string;
  readonly agent: KeyAgent;
  readonly clock: { now: number; nowSeconds(): number };
  readonly logs: string[];
  readonly keyFile: Uint8Array;
  readonly secrets: readonly Uint8Array[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A profile with device keys in an encrypted key file, and an agent serving it. */
async function running(): Promise<Running> {
  const config = await mkdtemp(join(tmpdir(), 'valise-agent-'));
  const dir = profileFolder(config, 'p');
  const store = new FileKeyStore({ dir, name: 'p', uid, passphrase: source, workFactor: WORK_FACTOR });
  const keys = await makeDeviceKeys('laptop');
  const archiveKey = randomBytes(32);
  await store.saveProfile({ server: 'http://127.0.0.1:1', device: keys, archiveKey });
  const bytes = (await readPrivateFile(store.profilePath, { uid }))!;
  const clock = {
    now: 1_800_000_000,
    nowSeconds() {
      return this.now;
    },
  };
  const logs: string[] = [];
  await makeAgentFolder(agentFolder(dir), uid);
  const agent = await startKeyAgent({
    name: 'p',
    socketPath: agentSocketPath(dir),
    profile: await store.loadProfile(),
    keyFileBytes: bytes,
    readKeyFile: () => readPrivateFile(store.profilePath, { uid }),
    clock,
    idleSeconds: IDLE,
    lifetimeSeconds: LIFETIME,
    pid: process.pid,
    log: (line) => logs.push(line),
  });
  cleanups.push(async () => {
    await agent.stop('test over');
    await rm(config, { recursive: true, force: true });
  });
  const secrets = [
    await exportSeed(keys.signer.privateKey),
    await XWing.exportPrivateKey(keys.kemPrivateKey),
    keys.kemPrivateKey.mlKemSecretKey,
    archiveKey,
  ];
  return { dir, agent, clock, logs, keyFile: sha256(bytes), secrets };
}

function storeWithAgent(dir: string, passphrase: PassphraseSource = NO_PASSPHRASE): FileKeyStore {
  return new FileKeyStore({
    dir,
    name: 'p',
    uid,
    passphrase,
    agent: new AgentClient({ socketPath: agentSocketPath(dir), uid }),
  });
}

function rejectsWith(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

// A bound, not a measure: an agent that never stops fails its test instead of hanging the run.
describe('key agent', { timeout: 60_000 }, () => {
  test('a store with the agent signs and opens wraps with no passphrase, and holds no private key', async () => {
    const { dir } = await running();
    const profile = await storeWithAgent(dir).loadProfile();
    const device = profile.device!;
    assert.equal(heldKeys(device), undefined, 'the command holds no private key');
    assert.equal(device.signer.privateKey, undefined);
    const message = utf8('valise/v1/test\0a request');
    const signature = await device.signer.sign(message);
    assert.ok(await verifyEd25519(device.signer.publicKey, message, signature));
    const contentKey = randomBytes(32);
    const envelopeHash = randomBytes(32);
    const wrap = await wrapContentKey({
      cableId: 'c1',
      device: device.device,
      publicKey: device.kemPublicKey,
      envelopeHash,
      contentKey,
    });
    assert.ok(isContentKeyUnwrapper(device.kemPrivateKey));
    const opened = await device.kemPrivateKey.unwrap({
      cableId: 'c1',
      device: device.device,
      envelopeHash,
      wrap,
    });
    assert.deepEqual(opened, contentKey);
    // A wrap bound to another cable does not open: the agent checks what HPKE checks.
    const other = await device.kemPrivateKey.unwrap({
      cableId: 'c2',
      device: device.device,
      envelopeHash,
      wrap,
    });
    assert.equal(other, undefined);
  });

  test('the socket is 0600 in a 0700 folder', async () => {
    const { dir } = await running();
    const folder = await lstat(agentFolder(dir));
    assert.ok(folder.isDirectory());
    assert.equal(folder.mode & 0o777, 0o700);
    const socket = await lstat(agentSocketPath(dir));
    assert.ok(socket.isSocket());
    assert.equal(socket.mode & 0o777, 0o600);
  });

  test('a folder others may enter is refused before connecting; the store asks the passphrase', async () => {
    const { dir } = await running();
    await chmod(agentFolder(dir), 0o755);
    const client = new AgentClient({ socketPath: agentSocketPath(dir), uid });
    await assert.rejects(client.status(), rejectsWith('KEY_FILE_PERMISSIONS'));
    await assert.rejects(storeWithAgent(dir).loadProfile(), rejectsWith('PASSPHRASE_REQUIRED'));
    await chmod(agentFolder(dir), 0o700);
  });

  test('a request for another key file is refused, and the agent keeps serving its own', async () => {
    const { dir, keyFile } = await running();
    const client = new AgentClient({ socketPath: agentSocketPath(dir), uid });
    await assert.rejects(client.sign(randomBytes(32), utf8('x')), rejectsWith('AGENT_REFUSED'));
    assert.equal((await client.sign(keyFile, utf8('x'))).length, 64);
  });

  test('idle past its limit, it stops at the next tick and the store falls back to the passphrase', async () => {
    const { dir, agent, clock } = await running();
    clock.now += IDLE - 1;
    assert.equal(await agent.tick(), true);
    clock.now += 1;
    assert.equal(await agent.tick(), false);
    assert.match(await agent.stopped, /idle/);
    await assert.rejects(lstat(agentSocketPath(dir)), { code: 'ENOENT' });
    await assert.rejects(storeWithAgent(dir).loadProfile(), rejectsWith('PASSPHRASE_REQUIRED'));
    const withPassphrase = await storeWithAgent(dir, source).loadProfile();
    assert.ok(
      withPassphrase.device && heldKeys(withPassphrase.device),
      'the passphrase opens the file itself',
    );
  });

  test('use restarts the idle time, but not the lifetime', async () => {
    const { dir, agent, clock, keyFile } = await running();
    const client = new AgentClient({ socketPath: agentSocketPath(dir), uid });
    for (let used = 0; used + IDLE - 1 < LIFETIME; used += IDLE - 1) {
      clock.now += IDLE - 1;
      await client.sign(keyFile, utf8('still here'));
    }
    clock.now += IDLE - 1;
    await assert.rejects(client.sign(keyFile, utf8('too late')), rejectsWith('AGENT_REFUSED'));
    assert.match(await agent.stopped, /lifetime/);
  });

  test('a changed key file stops it: the new file needs the passphrase', async () => {
    const { dir, agent } = await running();
    const store = new FileKeyStore({ dir, name: 'p', uid, passphrase: source, workFactor: WORK_FACTOR });
    await store.saveProfile(await store.loadProfile());
    await assert.rejects(storeWithAgent(dir).loadProfile(), rejectsWith('PASSPHRASE_REQUIRED'));
    assert.match(await agent.stopped, /key file changed/);
  });

  test('stop wipes: no more answers, and its log holds no key, message or passphrase', async () => {
    const { dir, agent, logs, secrets, keyFile } = await running();
    const client = new AgentClient({ socketPath: agentSocketPath(dir), uid });
    const message = utf8('a message the log must not show');
    await client.sign(keyFile, message);
    await client.stop();
    assert.equal(await agent.stopped, 'asked to stop');
    await assert.rejects(client.status(), rejectsWith('AGENT_UNAVAILABLE'));
    const log = logs.join('\n');
    assert.match(log, /serving profile p/);
    assert.match(log, /stopped: asked to stop/);
    assert.ok(!log.includes(PASSPHRASE));
    assert.ok(!log.includes(toBase64url(message)) && !log.includes('a message the log'));
    for (const secret of secrets) {
      assert.ok(!log.includes(toBase64url(secret)) && !log.includes(Buffer.from(secret).toString('hex')));
    }
  });
});
