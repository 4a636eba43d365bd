/**
 * `valise send --reply-to`: a reply left without subject, classification, addressees and
 * groups takes them from the original (RE: subject, the sender as action, the other
 * addressees as info), and a reply classified lower than its original is refused with
 * REPLY_DOWNGRADE before anything is sealed. In-process against the real app (SQLite).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliEnvironment } from '../../src/cli/cli-environment.ts';
import { passphraseFromEnvironment } from '../../src/cli/passphrase-from-environment.ts';
import { keyStore } from '../../src/cli/profile.ts';
import { EXIT_OK, runCli } from '../../src/cli/run-cli.ts';
import type { ExportableSigner } from '../../src/client/key-store.ts';
import { APP_ORIGIN, appFetch } from '../client/app-fetch.ts';
import { backends } from '../server/fixtures/backends.ts';
import { actCounts } from '../server/fixtures/counts.ts';
import { device } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { TEST_PASSPHRASE, TEST_WORK_FACTOR } from './run-valise.ts';

const [sqlite] = await backends();

describe('valise send --reply-to', () => {
  let t: TestApp;
  let configDir: string;
  let cli: CliEnvironment;
  let out = '';
  let err = '';
  const now = () => Math.floor(t.clock.now() / 1000);

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

  async function profileFor(name: string): Promise<void> {
    const d = device(t.network, name);
    const store = keyStore(cli, name);
    await store.saveProfile({
      server: APP_ORIGIN,
      // A record of opened cables, as enrolment leaves one: a reply takes its subject from it.
      archiveKey: crypto.getRandomValues(new Uint8Array(32)),
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

  before(async () => {
    t = await startTestApp(sqlite!);
    configDir = await mkdtemp(join(tmpdir(), 'valise-cli-reply-'));
    cli = {
      configDir,
      defaultProfile: 'default',
      fetch: appFetch(t.app),
      clock: { nowSeconds: now },
      uid: process.getuid?.(),
      passphrase: passphraseFromEnvironment({ VALISE_PASSPHRASE: TEST_PASSPHRASE }, undefined),
      keyFileWorkFactor: TEST_WORK_FACTOR,
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
      readStdin: async () => new TextEncoder().encode('The text of the cable.'),
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
    for (const name of ['de.anna', 'fr.claire']) await profileFor(name);
  });
  after(async () => {
    await t?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  test('a reply takes RE: subject, addressees, groups and classification from the original', async () => {
    const sent = await run(
      'fr.claire',
      'send',
      '--subject',
      'RE: Elections in Moldova',
      '--classification',
      'RESTREINT UE',
      '--to',
      'DE',
      '--to',
      'CY:info',
      '--groups',
      'COEST',
      '--json',
    );
    assert.equal(sent.code, EXIT_OK, sent.stderr);
    const original = sent.json.reference as string;
    // Anna opens it, so her device knows its subject.
    assert.equal((await run('de.anna', 'read', original)).code, EXIT_OK);

    const reply = await run('de.anna', 'send', '--reply-to', original, '--json');
    assert.equal(reply.code, EXIT_OK, reply.stderr);
    assert.equal(reply.json.classification, 'RESTREINT UE');
    const read = await run('fr.claire', 'read', reply.json.reference, '--json');
    assert.equal(read.code, EXIT_OK, read.stderr);
    assert.equal(read.json.subject, 'RE: Elections in Moldova');
    assert.equal(read.json.replyTo, original);
    assert.deepEqual(read.json.distribution, [
      { org: 'CY', role: 'info' },
      { org: 'FR', role: 'action' },
    ]);
    assert.deepEqual(read.json.groups, ['COEST']);
  });

  test('a reply classified lower than its original is REPLY_DOWNGRADE, and nothing is sent', async () => {
    const sent = await run(
      'fr.claire',
      'send',
      '--subject',
      'Sanctions',
      '--classification',
      'CONFIDENTIEL UE',
      '--to',
      'DE',
      '--json',
    );
    assert.equal(sent.code, EXIT_OK, sent.stderr);
    const before = await actCounts(t.store);
    const reply = await run(
      'de.anna',
      'send',
      '--reply-to',
      sent.json.reference,
      '--subject',
      'Answer',
      '--classification',
      'RESTREINT UE',
    );
    assert.notEqual(reply.code, EXIT_OK);
    assert.match(reply.stderr, /^valise: REPLY_DOWNGRADE: .*CONFIDENTIEL UE/);
    assert.deepEqual(await actCounts(t.store), before);
  });

  test('a reply to a cable this device never saw needs its fields', async () => {
    const reply = await run('de.anna', 'send', '--reply-to', 'FR/999/26');
    assert.notEqual(reply.code, EXIT_OK);
    assert.match(
      reply.stderr,
      /^valise: USAGE: --subject is required: FR\/999\/26 is not in this device's inbox/,
    );
  });

  test('a reply-to that is not a reference is a USAGE error before anything is sent', async () => {
    const reply = await run('de.anna', 'send', '--reply-to', 'yesterday', '--subject', 's');
    assert.equal(reply.code, 2);
    assert.match(reply.stderr, /^valise: USAGE: --reply-to must be a reference such as DE\/42\/26/);
  });
});
