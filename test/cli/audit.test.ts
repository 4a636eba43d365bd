/**
 * The audit verbs end to end: the real server (a child process) on loopback HTTP with a
 * fresh SQLite file and the real `valise` command, run in-process through its entry function. Two organisations' registry devices witness
 * the log; a security officer reads its organisation's events (each proven) and verifies
 * the whole log through the API and, as an operator, straight from the database file; a
 * device that is not a registry device is no witness; and after a leaf is edited in the
 * database, `valise audit verify --database` fails, naming it, and `valise audit events`
 * lists every other event, marks that one NOT PROVEN and exits non-zero.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import type { RunningServer } from './child-processes.ts';
import { startServer } from './child-processes.ts';
import { runValise } from './run-valise.ts';

describe('valise audit: witness, events, verify', { timeout: 300_000 }, () => {
  let configDir: string;
  let dataDir: string;
  let server: RunningServer | undefined;
  let rootKey: string;
  const serverEnv = () => ({
    VALISE_DATA_DIR: dataDir,
    VALISE_NETWORK: 'audit',
    VALISE_ROOT_KEY: rootKey,
    VALISE_CHECKPOINT_MS: '200',
  });
  let port = '0';

  const valise = (profile: string, argv: readonly string[]) =>
    runValise(['--profile', profile, ...argv], { VALISE_CONFIG_DIR: configDir });
  const ok = async (profile: string, argv: readonly string[]) => {
    const run = await valise(profile, ['--json', ...argv]);
    assert.equal(run.code, 0, `valise --profile ${profile} ${argv.join(' ')} failed: ${run.stderr}`);
    assert.equal(run.stderr, '');
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };
  const failsWith = async (profile: string, argv: readonly string[], code: string) => {
    const run = await valise(profile, argv);
    assert.notEqual(run.code, 0, `${argv.join(' ')} should fail`);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, new RegExp(`^valise: ${code}: `));
    return lines[0]!;
  };

  before(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'valise-audit-config-'));
    dataDir = await mkdtemp(join(tmpdir(), 'valise-audit-data-'));
    rootKey = String(
      (await ok('authority', ['network', 'init', '--network', 'audit', '--accreditation', 'RESTREINT UE']))
        .rootKey,
    );
    server = await startServer(serverEnv());
    port = new URL(server.url).port;
    for (const org of ['DE', 'FR']) {
      const orgKeyFile = join(configDir, `${org}-org-key.json`);
      const requested = await ok(`${org.toLowerCase()}-so`, [
        'org',
        'request',
        org,
        '--key-file',
        orgKeyFile,
      ]);
      await ok('authority', [
        'org',
        'certify',
        String(requested.request),
        '--name',
        `Ministry ${org}`,
        '--accreditation',
        'RESTREINT UE',
        '--server',
        server.url,
      ]);
      const so = `${org.toLowerCase()}-so`;
      // Two officers, founded with the organisation key on the day it was certified: the
      // second confirms the first's command-line acts (docs/design.md §5, "Officer acts").
      for (const [profile, user] of [
        [so, `${org.toLowerCase()}.officer`],
        [`${so}2`, `${org.toLowerCase()}.officer.2`],
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
        for (const act of held as { id: string }[]) await ok(`${so}2`, ['officer', 'confirm', act.id]);
      };
      const invitation = await ok(so, [
        'invite',
        '--user',
        `${org.toLowerCase()}.registry`,
        '--name',
        `Registry ${org}`,
        '--clearance',
        'RESTREINT UE',
        '--role',
        'registry',
      ]);
      await confirmHeld(invitation);
      // `--` first: a code may start with '-' (its id is random base64url).
      const enrolled = await ok(`${org.toLowerCase()}-reg`, [
        'enrol',
        '--server',
        server.url,
        '--root',
        rootKey,
        '--label',
        'registry desk',
        // A witness starts unattended: a declared service device, its key file in clear.
        '--service',
        '--',
        String(invitation.code),
      ]);
      // The officer sees the declaration before approving.
      const pending = (await ok(so, ['approve'])).items as { device: string; label: string }[];
      assert.equal(pending.find((p) => p.device === enrolled.device)?.label, 'service: registry desk');
      await confirmHeld(
        await ok(so, ['approve', String(enrolled.device), '--code', String(enrolled.comparisonCode)]),
      );
    }
  });
  after(async () => {
    await server?.stop();
    for (const made of [configDir, dataDir]) if (made) await rm(made, { recursive: true, force: true });
  });

  test('each registry device witnesses the log, twice, the second cosignature extending the first', async () => {
    for (const reg of ['de-reg', 'fr-reg']) {
      const first = await ok(reg, ['audit', 'witness']);
      assert.equal(first.previous, null);
    }
    // A new event (an invitation) grows the log between the two rounds.
    await ok('de-so', ['invite', '--user', 'de.anna', '--name', 'Anna', '--clearance', 'RESTREINT UE']);
    for (const reg of ['de-reg', 'fr-reg']) {
      const second = await ok(reg, ['audit', 'witness']);
      assert.ok(Number(second.size) > Number(second.previous), JSON.stringify(second));
    }
  });

  test('audit witness --follow cosigns round after round until its rounds run out', async () => {
    await ok('de-so', ['invite', '--user', 'de.bert', '--name', 'Bert', '--clearance', 'RESTREINT UE']);
    const run = await valise('de-reg', [
      '--json',
      'audit',
      'witness',
      '--follow',
      '--interval',
      '1',
      '--rounds',
      '2',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { rounds: number; cosigned: number; size: number };
    assert.equal(summary.rounds, 2);
    assert.equal(summary.cosigned, 2);
    assert.equal(run.stderr.match(/^cosigned the checkpoint of \d+ entries$/gm)?.length, 2, run.stderr);
  });

  test('a declared service device runs with no passphrase; an officer device does not', async () => {
    const none = { VALISE_CONFIG_DIR: configDir, VALISE_PASSPHRASE: '' };
    const witness = await runValise(['--profile', 'de-reg', '--json', 'audit', 'witness'], none);
    assert.equal(witness.code, 0, witness.stderr);
    const officer = await runValise(['--profile', 'de-so', 'audit', 'events'], none);
    assert.notEqual(officer.code, 0);
    assert.match(officer.stderr, /^valise: PASSPHRASE_REQUIRED: /);
  });

  test('a device that is not a registry device is no witness', async () => {
    await failsWith('fr-so', ['audit', 'witness'], 'NOT_A_WITNESS');
  });

  test("a security officer reads its organisation's events, each proven", async () => {
    const page = await ok('de-so', ['audit', 'events', '--all']);
    const items = page.items as {
      leaf: number;
      event: { type: string; actor: { org?: string }; object: { org?: string } };
    }[];
    assert.ok(items.some((i) => i.event.type === 'directory.entry'));
    assert.ok(items.some((i) => i.event.type === 'invitation.created'));
    assert.ok(
      items.every(
        (i) => i.event.actor.org === 'DE' || i.event.object.org === 'DE' || i.event.type === 'log.alert',
      ),
    );
    const text = await valise('de-so', ['audit', 'events', '--type', 'invitation.created']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /invitation\.created/);
    assert.match(text.stdout, /proven against the checkpoint of \d+ entries/);
  });

  test('audit verify checks out through the API and straight from the database', async () => {
    const api = await ok('de-so', ['audit', 'verify']);
    assert.equal(api.ok, true);
    assert.ok(Number(api.cosignatures) >= 4, JSON.stringify(api));
    const db = await ok('de-so', ['audit', 'verify', '--database', join(dataDir, 'valise.db')]);
    assert.equal(db.ok, true);
    assert.ok(Number(db.leaves) >= Number(api.leaves));
  });

  test("the network authority's own profile reads every organisation's events and verifies the log", async () => {
    // Before it has a device of its own, it is told how to get one.
    const before = await failsWith('authority', ['audit', 'events'], 'NOT_CONFIGURED');
    assert.match(before, /valise network enrol/);
    // The authority's own organisation, certified like any other.
    const requested = await ok('consil-so', [
      'org',
      'request',
      'CONSIL',
      '--key-file',
      join(configDir, 'CONSIL-org-key.json'),
    ]);
    await ok('authority', [
      'org',
      'certify',
      String(requested.request),
      '--name',
      'Council secretariat',
      '--accreditation',
      'RESTREINT UE',
      '--server',
      server!.url,
    ]);
    const enrolled = await ok('authority', [
      'network',
      'enrol',
      '--org',
      'CONSIL',
      '--user',
      'consil.authority',
      '--name',
      'Network authority',
      '--label',
      'authority laptop',
    ]);
    assert.equal(enrolled.role, 'network-authority');
    const page = await ok('authority', ['audit', 'events', '--all']);
    const orgs = new Set(
      (page.items as { event: { actor: { org?: string } } }[]).map((i) => i.event.actor.org).filter(Boolean),
    );
    for (const org of ['DE', 'FR']) assert.ok(orgs.has(org), `events of ${org}: ${[...orgs].join(',')}`);
    const verified = await ok('authority', ['audit', 'verify']);
    assert.equal(verified.ok, true, JSON.stringify(verified));
    const devices = await ok('authority', ['devices', '--org', 'FR']);
    assert.ok((devices.items as unknown[]).length >= 2);
  });

  test('after a leaf is edited in the database, audit verify --database fails naming it', async () => {
    await server?.stop();
    server = undefined;
    const file = join(dataDir, 'valise.db');
    const db = new Sqlite(file);
    try {
      db.exec('DROP TRIGGER audit_events_no_update');
      // Leaf 5 becomes another event (its actor renamed), nothing else changes.
      const { event } = db.prepare('SELECT event FROM audit_events WHERE leaf_index = 5').get() as {
        event: Buffer;
      };
      const changed = Buffer.from(
        event.toString('utf8').replace(/"actor":\{[^}]*\}/, '"actor":{"org":"FR"}'),
      );
      assert.notDeepEqual(changed, event);
      db.prepare('UPDATE audit_events SET event = ? WHERE leaf_index = 5').run(changed);
    } finally {
      db.close();
    }
    const line = await failsWith('de-so', ['audit', 'verify', '--database', file], 'AUDIT_FAILED');
    assert.match(line, /leaf 5/);
  });

  test('after a leaf is edited, audit events lists every other event, marks it NOT PROVEN and exits non-zero', async () => {
    // The same node again, on the same port the profiles know, over the edited database.
    server = await startServer({ ...serverEnv(), PORT: port });
    const run = await valise('authority', ['audit', 'events', '--all', '--limit', '1000']);
    assert.notEqual(run.code, 0, 'a listing with an event that does not prove is a failure');
    assert.match(run.stdout, /^5 {2}NOT PROVEN: the server's copy of this event does not match/m);
    for (const leaf of [4, 6]) assert.match(run.stdout, new RegExp(`^${leaf} {2}\\d{6}Z`, 'm'));
    assert.match(run.stdout, /^\d+ of \d+ events proven against the checkpoint of \d+ entries$/m);
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^valise: LOG_PROOF_INVALID: event 5 of the audit log did not prove/);
  });
});
