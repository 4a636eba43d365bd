/**
 * `valise watch` end to end: the real server (a child process) on loopback HTTP and the real
 * command, run in-process. A diplomat's command-line device reads one cable over and over,
 * like a scraper; her security officer's `valise watch` prints the alert and the hold as one
 * line each (or one JSON object each), `--exit-on-alert` stops at the first with exit code 3,
 * and a person who is no officer is refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from './child-processes.ts';
import { startServer } from './child-processes.ts';
import { runValise } from './run-valise.ts';

describe('valise watch', { timeout: 300_000 }, () => {
  let configDir: string;
  let dataDir: string;
  let server: RunningServer | undefined;
  let annaDevice: string;

  const valise = (profile: string, argv: readonly string[], stdin = '') =>
    runValise(['--profile', profile, ...argv], { VALISE_CONFIG_DIR: configDir }, stdin);
  const ok = async (profile: string, argv: readonly string[], stdin = '') => {
    const run = await valise(profile, ['--json', ...argv], stdin);
    assert.equal(run.code, 0, `valise --profile ${profile} ${argv.join(' ')} failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  before(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'valise-watch-config-'));
    dataDir = await mkdtemp(join(tmpdir(), 'valise-watch-data-'));
    const rootKey = String(
      (await ok('authority', ['network', 'init', '--network', 'watch', '--accreditation', 'RESTREINT UE']))
        .rootKey,
    );
    server = await startServer({
      VALISE_DATA_DIR: dataDir,
      VALISE_NETWORK: 'watch',
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
    const confirmHeld = async (output: Record<string, unknown>) => {
      const held = Array.isArray(output.held) ? output.held : output.held ? [output.held] : [];
      for (const act of held as { id: string }[]) await ok('de-so2', ['officer', 'confirm', act.id]);
    };
    const invitation = await ok('de-so', [
      'invite',
      '--user',
      'de.anna',
      '--name',
      'Anna Schmidt',
      '--clearance',
      'RESTREINT UE',
      '--groups',
      'COEST',
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
    annaDevice = String(enrolled.device);
    await confirmHeld(await ok('de-so', ['approve', annaDevice, '--code', String(enrolled.comparisonCode)]));
  });
  after(async () => {
    await server?.stop();
    for (const made of [configDir, dataDir]) if (made) await rm(made, { recursive: true, force: true });
  });

  test('--help says what it prints and how a script stops on an alert', async () => {
    const run = await valise('de-so', ['watch', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: valise watch /);
    assert.match(run.stdout, /--exit-on-alert .*exit code 3/);
    assert.match(run.stdout, /--json/);
  });

  test('a person who is no security officer is refused, in one line', async () => {
    const run = await valise('de-anna', ['watch']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^valise: FORBIDDEN: .*security officer of DE/);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1);
  });

  test("a scrape is an alert, then a hold, on the officer's watch, one line each", async () => {
    const sent = await ok(
      'de-anna',
      [
        'send',
        '--to',
        'DE:action',
        '--groups',
        'COEST',
        '--classification',
        'RESTREINT UE',
        '--subject',
        'Read me',
      ],
      'Once is enough.',
    );
    const id = String(sent.id);
    // The log's end before the burst: the watch starts after it and misses nothing.
    const start = Number((await ok('de-so', ['audit', 'events', '--all'])).size) - 1;
    let refused = '';
    for (let i = 0; i < 30 && refused === ''; i++) {
      const read = await valise('de-anna', ['read', id]);
      if (read.code !== 0) refused = read.stderr;
    }
    assert.match(refused, /^valise: DEVICE_HELD: .*security officer of DE/);

    const json = await valise('de-so', ['watch', '--json', '--exit-on-alert', '--after', String(start)]);
    assert.equal(json.code, 3, json.stderr);
    const lines = json.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, json.stdout);
    const first = JSON.parse(lines[0]!) as { leaf: number; event: { type: string; object: { id: string } } };
    assert.equal(first.event.type, 'watch.alert');
    assert.equal(first.event.object.id, annaDevice);
    assert.ok(first.leaf > start);

    // Resuming after the alert's leaf, the next line is the hold, in words.
    const text = await valise('de-so', ['watch', '--exit-on-alert', '--after', String(first.leaf)]);
    assert.equal(text.code, 3, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(
        `^\\d+  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ  HELD +DE de\\.anna device ${annaDevice}: \\d+ cable reads in a minute \\(limit \\d+\\)\\n$`,
      ),
    );
  });
});
