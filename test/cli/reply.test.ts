/**
 * `valise send --reply-to`: a reply left without subject, classification, addressees and
 * groups takes them from the original (RE: subject, the sender as action, the other
 * addressees as info), and a reply classified lower than its original is refused with
 * REPLY_DOWNGRADE before anything is sealed. In-process against the real app (SQLite).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXIT_OK } from '../../src/cli/run-cli.ts';
import { backends } from '../server/fixtures/backends.ts';
import { actCounts } from '../server/fixtures/counts.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { type AppCli, appCli } from './app-cli.ts';

const [sqlite] = await backends();

describe('valise send --reply-to', () => {
  let t: TestApp;
  let c: AppCli;
  const run = (profile: string, ...argv: string[]) => c.run(profile, ...argv);

  before(async () => {
    t = await startTestApp(sqlite!);
    c = await appCli(t, { prefix: 'valise-cli-reply-', stdin: 'The text of the cable.' });
    for (const name of ['de.anna', 'fr.claire']) await c.profileFor(name, { archive: true });
  });
  after(async () => {
    await t?.close();
    await c?.close();
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
