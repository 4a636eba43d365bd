/**
 * `valise network presidency` and `valise silence open | extend | withdraw | object | status`,
 * run in-process through the command's entry function against the real app (SQLite), with
 * real profiles on disk and the server's clock moved by the test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { keyStore } from '../../src/cli/profile.ts';
import { EXIT_OK } from '../../src/cli/run-cli.ts';
import type { ExportableSigner } from '../../src/client/key-store.ts';
import { APP_ORIGIN } from '../client/app-fetch.ts';
import { backends } from '../server/fixtures/backends.ts';
import { T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { type AppCli, appCli } from './app-cli.ts';

const [sqlite] = await backends();

describe('valise silence', () => {
  let t: TestApp;
  let c: AppCli;
  const now = () => Math.floor(t.clock.now() / 1000);
  const run = (profile: string, ...argv: string[]) => c.run(profile, ...argv);

  before(async () => {
    t = await startTestApp(sqlite!);
    c = await appCli(t, {
      prefix: 'valise-cli-silence-',
      stdin: 'The Presidency proposes the attached declaration.',
    });
    for (const name of ['de.anna', 'fr.claire', 'cy.eva']) await c.profileFor(name);
    // The network authority's profile holds the root key (as `valise network init` leaves it).
    const authority = keyStore(c.cli, 'authority');
    await authority.saveRootKey({ root: t.network.root, signer: t.network.rootSigner as ExportableSigner });
    await authority.saveProfile({ server: APP_ORIGIN, network: { root: t.network.root } });
  });
  after(async () => {
    await t?.close();
    await c?.close();
  });

  test('the authority names the Presidency; only it opens; a participant objects; status shows who, when and why', async () => {
    const named = await run(
      'authority',
      'network',
      'presidency',
      'DE',
      '--from',
      String(T0 - 86_400),
      '--until',
      '2026-07-01',
      '--json',
    );
    assert.equal(named.code, EXIT_OK, named.stderr);
    assert.equal(named.json.org, 'DE');

    const common = [
      '--to',
      'FR',
      '--to',
      'CY',
      '--within',
      '2h',
      '--subject',
      'Declaration',
      '--classification',
      'RESTREINT UE',
      '--groups',
      'COEST',
    ];
    const refused = await run('fr.claire', 'silence', 'open', ...common.map((a) => (a === 'FR' ? 'DE' : a)));
    assert.notEqual(refused.code, EXIT_OK);
    assert.match(refused.stderr, /^valise: NOT_PRESIDENCY: /);

    const opened = await run('de.anna', 'silence', 'open', ...common, '--json');
    assert.equal(opened.code, EXIT_OK, opened.stderr);
    const { reference, deadline } = opened.json as { reference: string; deadline: number };
    assert.equal(deadline, now() + 7200);

    const extended = await run('de.anna', 'silence', 'extend', reference, '--within', '3h', '--json');
    assert.equal(extended.code, EXIT_OK, extended.stderr);

    for (const name of ['fr.claire', 'cy.eva']) {
      const read = await run(name, 'read', reference);
      assert.equal(read.code, EXIT_OK, read.stderr);
      assert.match(
        read.stdout,
        new RegExp(`SILENCE PROCEDURE OPEN deadline .* \\(valise silence status ${reference}\\)`),
      );
    }
    const objected = await run(
      'fr.claire',
      'silence',
      'object',
      reference,
      '--reason',
      'Paragraph 3 is unacceptable.',
      '--json',
    );
    assert.equal(objected.code, EXIT_OK, objected.stderr);

    const during = await run('cy.eva', 'silence', 'status', reference, '--json');
    assert.equal(during.code, EXIT_OK, during.stderr);
    assert.equal(during.json.state, 'open');
    assert.equal(during.json.deadline, now() + 3 * 3600);
    assert.deepEqual(
      during.json.objections.map((o: { org: string; reason: string }) => [o.org, o.reason]),
      [['FR', 'Paragraph 3 is unacceptable.']],
    );

    t.clock.set((now() + 3 * 3600 + 31) * 1000);
    const closed = await run('de.anna', 'silence', 'status', reference);
    assert.equal(closed.code, EXIT_OK, closed.stderr);
    assert.match(closed.stdout, /objection by FR at .*: Paragraph 3 is unacceptable\./);
    assert.match(closed.stdout, /outcome: broken, recorded by the server and confirmed from the log/);

    const late = await run('cy.eva', 'silence', 'object', reference, '--reason', 'Too late');
    assert.match(late.stderr, /^valise: PROCEDURE_CLOSED: /);
  });

  test('send refuses an action addressee nobody can read unless --allow-undeliverable', async () => {
    const args = [
      'send',
      '--to',
      'CY',
      '--groups',
      'CONUN',
      '--subject',
      'x',
      '--classification',
      'RESTREINT UE',
    ];
    const refused = await run('de.anna', ...args);
    assert.notEqual(refused.code, EXIT_OK);
    assert.match(refused.stderr, /^valise: UNDELIVERABLE: CY \(action\) — nobody can read this cable/);
    const sent = await run('de.anna', ...args, '--allow-undeliverable');
    assert.equal(sent.code, EXIT_OK, sent.stderr);
  });

  test('withdraw, and usage errors are one line', async () => {
    const opened = await run(
      'de.anna',
      'silence',
      'open',
      '--to',
      'FR',
      '--within',
      '1h',
      '--subject',
      'x',
      '--classification',
      'RESTREINT UE',
      '--groups',
      'COEST',
      '--json',
    );
    assert.equal(opened.code, EXIT_OK, opened.stderr);
    const withdrawn = await run('de.anna', 'silence', 'withdraw', opened.json.reference, '--json');
    assert.equal(withdrawn.code, EXIT_OK, withdrawn.stderr);
    const status = await run('fr.claire', 'silence', 'status', opened.json.reference, '--json');
    assert.equal(status.json.outcome, 'withdrawn');
    const noReason = await run('fr.claire', 'silence', 'object', opened.json.reference);
    assert.match(noReason.stderr, /^valise: USAGE: an objection needs its reason/);
    const both = await run(
      'de.anna',
      'silence',
      'open',
      '--to',
      'FR',
      '--within',
      '1h',
      '--deadline',
      '2026-04-01',
      '--subject',
      'x',
      '--classification',
      'RESTREINT UE',
    );
    assert.match(both.stderr, /^valise: USAGE: /);
  });
});
