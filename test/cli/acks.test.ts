/**
 * `valise acks`: the sender's delivery board on the command line, run in-process through the
 * command's entry function against the real app (SQLite), with the server's clock moved by
 * the test and the escalation job run by it: delivered (first fetch), acknowledged (by whom),
 * and an action addressee past its FLASH limit marked overdue, in text and in --json.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXIT_OK } from '../../src/cli/run-cli.ts';
import { DEFAULT_ESCALATION_LIMITS } from '../../src/core/cable/escalation.ts';
import { escalateOverdue } from '../../src/server/delivery/escalate-overdue.ts';
import { appFetch } from '../client/app-fetch.ts';
import { backends } from '../server/fixtures/backends.ts';
import { device, T0 } from '../server/fixtures/network.ts';
import { startTestApp, type TestApp } from '../server/fixtures/test-app.ts';
import { type AppCli, appCli } from './app-cli.ts';

const [sqlite] = await backends();

describe('valise acks', () => {
  let t: TestApp;
  let c: AppCli;
  /** Plays a malicious server: rewrites the board's answer before the client reads it. */
  let tamper: ((board: { items: Record<string, unknown>[] }) => void) | undefined;
  const now = () => Math.floor(t.clock.now() / 1000);
  const run = (profile: string, ...argv: string[]) => c.run(profile, ...argv);

  before(async () => {
    t = await startTestApp(sqlite!);
    c = await appCli(t, {
      prefix: 'valise-cli-acks-',
      stdin: 'Please confirm your position before the meeting.',
      fetch: async (input, init) => {
        const response = await appFetch(t.app)(input, init);
        if (!tamper || !new URL(input).pathname.endsWith('/acks') || response.status !== 200) return response;
        const board = await response.json();
        tamper(board);
        return new Response(JSON.stringify(board), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    for (const name of ['de.anna', 'fr.claire']) await c.profileFor(name);
  });
  after(async () => {
    await t?.close();
    await c?.close();
  });

  test('the sender sees delivered, acknowledged and overdue per addressee', async () => {
    const sent = await run(
      'de.anna',
      'send',
      '--to',
      'FR:action',
      '--to',
      'CY:info',
      '--precedence',
      'FLASH',
      '--subject',
      'Position before the meeting',
      '--classification',
      'RESTREINT UE',
      '--groups',
      'COEST',
      '--json',
    );
    assert.equal(sent.code, EXIT_OK, sent.stderr);
    const { id, reference } = sent.json as { id: string; reference: string };

    const fresh = await run('de.anna', 'acks', reference);
    assert.equal(fresh.code, EXIT_OK, fresh.stderr);
    assert.match(fresh.stdout, /^FLASH: action addressees acknowledge within 10 min$/m);
    assert.match(
      fresh.stdout,
      /^ {2}FR +action {2}not delivered yet; {2}not acknowledged, due 2026-03-02 10:10Z$/m,
    );
    assert.match(
      fresh.stdout,
      /^ {2}CY +info {4}not delivered yet; {2}not acknowledged \(info: none needed\)$/m,
    );

    t.clock.set((T0 + 120) * 1000);
    const read = await run('fr.claire', 'read', id);
    assert.equal(read.code, EXIT_OK, read.stderr);

    t.clock.set((T0 + 11 * 60) * 1000);
    const escalated = await escalateOverdue({
      store: t.store,
      clock: t.clock,
      limits: { escalation: DEFAULT_ESCALATION_LIMITS },
    });
    assert.equal(escalated, 1);
    const late = await run('de.anna', 'acks', reference);
    assert.match(
      late.stdout,
      /^! FR +action {2}delivered 2026-03-02 10:02Z; {2}not acknowledged; {2}OVERDUE since 2026-03-02 10:10Z; registry and sender told 2026-03-02 10:11Z$/m,
    );
    assert.doesNotMatch(late.stdout, /^! CY/m, 'an info addressee is never overdue');
    const json = (await run('de.anna', 'acks', reference, '--json')).json;
    assert.equal(json.id, id);
    assert.equal(json.precedence, 'FLASH');
    const fr = json.items.find((i: { org: string }) => i.org === 'FR');
    assert.equal(fr.overdue, true);
    assert.equal(fr.delivered.at, T0 + 120);
    assert.equal(fr.escalated, T0 + 11 * 60);

    const ack = await run('fr.claire', 'ack', id);
    assert.equal(ack.code, EXIT_OK, ack.stderr);
    const done = await run('de.anna', 'acks', reference);
    assert.match(
      done.stdout,
      /^ {2}FR +action {2}delivered 2026-03-02 10:02Z; {2}acknowledged by fr\.claire 2026-03-02 10:11Z$/m,
    );
  });

  test('a board the audit log does not prove is refused, whatever it claims', async () => {
    const sent = await run(
      'de.anna',
      'send',
      '--to',
      'FR:action',
      '--to',
      'CY:info',
      '--subject',
      'y',
      '--classification',
      'RESTREINT UE',
      '--groups',
      'COEST',
      '--json',
    );
    assert.equal(sent.code, EXIT_OK, sent.stderr);
    const honest = await run('de.anna', 'acks', sent.json.id);
    assert.equal(honest.code, EXIT_OK, honest.stderr);
    const forgeries: [string, (item: Record<string, unknown>) => void][] = [
      [
        'acknowledged',
        (item) => Object.assign(item, { acknowledged: true, by: { user: 'fr.claire' }, at: now() }),
      ],
      [
        'delivered',
        (item) =>
          Object.assign(item, { delivered: { at: now(), device: device(t.network, 'fr.claire').id } }),
      ],
      ['escalated', (item) => Object.assign(item, { overdue: true, escalated: now() })],
    ];
    try {
      for (const [what, forge] of forgeries) {
        tamper = (board) => forge(board.items.find((i) => i.org === 'FR')!);
        const refused = await run('de.anna', 'acks', sent.json.id);
        assert.notEqual(refused.code, EXIT_OK, what);
        assert.match(
          refused.stderr,
          new RegExp(`^valise: LOG_PROOF_INVALID: the server says FR was ${what} for cable`),
          what,
        );
      }
    } finally {
      tamper = undefined;
    }
  });

  test('an addressee does not see the board', async () => {
    const sent = await run(
      'de.anna',
      'send',
      '--to',
      'FR:action',
      '--subject',
      'x',
      '--classification',
      'RESTREINT UE',
      '--groups',
      'COEST',
      '--json',
    );
    assert.equal(sent.code, EXIT_OK, sent.stderr);
    const refused = await run('fr.claire', 'acks', sent.json.id);
    assert.notEqual(refused.code, EXIT_OK);
    assert.match(
      refused.stderr,
      /^valise: FORBIDDEN: only DE, the sender's organisation, sees who acknowledged/,
    );
  });
});
