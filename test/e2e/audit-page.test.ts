/**
 * The audit page in Chromium against a real node: the FR security officer sees
 * that Claire (FR) read Anna's (DE) cable, each event proven in the worker against the log's
 * signed checkpoint; Claire, a member, has no Audit page. A hostile operator then rewrites one
 * stored event: the page still lists every other event, its summary says how many proved and
 * how many failed, and the failed row is marked in words; then deletes one: a gap.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './fixtures/axe.ts';
import { startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrolAndSignIn, type Person } from './fixtures/web-person.ts';

const skip = browserSkipReason();

describe('the audit page', { skip: skip ?? false, timeout: 240_000 }, () => {
  let node: WebNode;
  let browser: Browser;
  let people: Map<string, Person>;
  const person = (user: string) => people.get(user)!;

  before(async () => {
    node = await startWebNode();
    browser = await launchChromium();
    people = await enrolAndSignIn(browser, node.origin, node.links, [
      'de.officer',
      'fr.officer',
      'de.anna',
      'fr.claire',
    ]);
  });
  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  test('an officer sees who read a cable, with a verified proof; a member has no Audit page', async () => {
    const anna = person('de.anna');
    const claire = person('fr.claire');
    const officer = person('fr.officer');

    await anna.page.goto(`${node.origin}/#/compose`);
    await anna.page.getByTestId('classification').selectOption('RESTREINT UE');
    await anna.page.getByTestId('action-FR').check();
    await anna.page.getByTestId('group-COEST').check();
    await anna.page.getByTestId('subject').fill('Audit trail');
    await anna.page.getByTestId('body').fill('Who reads this is on the record.');
    await anna.page.locator('[data-testid="recipient-org"][data-org="FR"]').waitFor();
    await anna.page.getByTestId('send').click();
    const sent = anna.page.getByTestId('sent');
    await sent.waitFor();
    const id = ((await sent.locator('a').getAttribute('href')) ?? '').replace('#/cable/', '');
    const reference = (await sent.locator('a').textContent()) ?? '';

    await claire.page.goto(`${node.origin}/#/cable/${id}`);
    await claire.page.getByTestId('cable-body').waitFor();

    await officer.page.goto(`${node.origin}/#/`);
    await officer.page.getByTestId('nav-audit').click();
    await officer.page.getByTestId('audit').waitFor();
    await officer.page.getByTestId('audit-type').selectOption('cable.fetched');
    const row = officer.page.locator(
      `[data-testid="audit-row"][data-type="cable.fetched"][data-user="fr.claire"][data-object="${id}"]`,
    );
    await row.waitFor();
    // One sentence, with names from the verified directory, and the time to the second.
    assert.equal(
      await row.getByTestId('audit-sentence').textContent(),
      `Claire Dubois (FR) opened ${reference} from 'laptop'`,
    );
    assert.match((await row.locator('time').textContent()) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.match((await row.getByTestId('audit-proof').textContent()) ?? '', /^cable opened · #\d+$/);
    const summary = (await officer.page.getByTestId('audit-checkpoint').textContent()) ?? '';
    const [, proven, read] =
      /^(\d+) of (\d+) events? proven against the log's checkpoint of \d+ entries \(/.exec(summary) ?? [
        summary,
      ];
    assert.ok(proven !== undefined && proven === read, summary);
    assert.equal(await officer.page.getByTestId('audit-failure').count(), 0);

    // Filters by person and by cable narrow the proven rows; CSV export hands them over.
    await officer.page.getByTestId('audit-type').selectOption('');
    await officer.page.getByTestId('audit-person').selectOption('Claire Dubois');
    await officer.page.getByTestId('audit-cable').fill(reference);
    const users = await officer.page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')));
    assert.ok(users.length > 0 && users.every((u) => u === 'fr.claire'), 'filtered by person');
    const [download] = await Promise.all([
      officer.page.waitForEvent('download'),
      officer.page.getByTestId('audit-csv').click(),
    ]);
    const csv = (await readFile((await download.path()) ?? '', 'utf8')).trim().split('\r\n');
    assert.equal(csv[0], 'time_utc,type,person,user,device,cable,what,leaf');
    assert.equal(csv.length, users.length + 1);
    assert.ok(csv.slice(1).every((line) => line.includes(`"${reference}"`)));
    await officer.page.getByTestId('audit-person').selectOption('');
    await officer.page.getByTestId('audit-cable').fill('');
    await officer.page.getByTestId('audit-type').selectOption('cable.fetched');
    // The list is replaced when the filtered answer arrives: wait for rows, all of that type.
    await officer.page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="audit-row"]')];
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-type') === 'cable.fetched');
    });
    await row.waitFor();
    const types = await officer.page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    assert.ok(types.length > 0 && types.every((t) => t === 'cable.fetched'), 'filtered by type');

    await claire.page.goto(`${node.origin}/#/`);
    await claire.page.getByTestId('who').waitFor();
    assert.equal(await claire.page.getByTestId('nav-audit').count(), 0);
    await claire.page.goto(`${node.origin}/#/audit`);
    await claire.page.getByText('Only security officers and the network authority see this page.').waitFor();
    assert.equal(await claire.page.getByTestId('audit-row').count(), 0);
  });

  test('an event rewritten in the database is marked where it is, and every other event is still listed', async () => {
    const officer = person('fr.officer');
    await officer.page.goto(`${node.origin}/#/audit`);
    await officer.page.reload();
    await officer.page.getByTestId('audit-row').first().waitFor();
    await officer.page.getByTestId('audit-checkpoint').waitFor();
    const before = await officer.page.getByTestId('audit-row').count();
    // A hostile operator rewrites Claire's first sign-in as the officer's, lifting the trigger.
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(node.sqlitePath);
    let victim: number;
    try {
      const row = db
        .prepare(
          `SELECT leaf_index, event FROM audit_events WHERE type = 'session.started' AND CAST(event AS TEXT) LIKE '%"user":"fr.claire"%' ORDER BY leaf_index LIMIT 1`,
        )
        .get() as { leaf_index: number; event: Buffer };
      victim = row.leaf_index;
      const rewritten = Buffer.from(row.event.toString('utf8').replace('"fr.claire"', '"fr.officer"'));
      assert.notDeepEqual(rewritten, row.event);
      db.exec('DROP TRIGGER IF EXISTS audit_events_no_update');
      db.prepare('UPDATE audit_events SET event = ? WHERE leaf_index = ?').run(rewritten, victim);
    } finally {
      db.close();
    }
    await officer.page.getByTestId('audit-refresh').click();
    const failed = officer.page.getByTestId('audit-row-failed');
    await failed.waitFor();
    assert.equal(await officer.page.getByTestId('audit-failure').count(), 0, 'the page did not stop');
    // Every other event is listed, proven; the rewritten one is not among them.
    assert.equal(await officer.page.getByTestId('audit-row').count(), before - 1);
    assert.equal(await failed.count(), 1);
    assert.equal(await failed.getAttribute('data-leaf'), String(victim));
    assert.match(
      (await failed.textContent()) ?? '',
      new RegExp(
        `Not proven.*Event #${victim} failed its check: .*The log may have been altered.*tell the network authority`,
      ),
    );
    assert.equal(
      await officer.page
        .locator(`[data-testid="audit-row"] [data-testid="audit-proof"]`)
        .filter({ hasText: `#${victim}` })
        .count(),
      0,
    );
    const summary = officer.page.getByTestId('audit-checkpoint');
    assert.equal(await summary.getAttribute('role'), 'alert');
    assert.match(
      (await summary.textContent()) ?? '',
      new RegExp(
        `^${before - 1} of ${before} events proven against the log's checkpoint of \\d+ entries \\([^)]+\\); 1 failed — see the marked row\\.`,
      ),
    );
    for (const width of [1280, 390]) {
      await officer.page.setViewportSize({ width, height: 900 });
      assert.deepEqual(await seriousViolations(officer.page), [], `at ${width} px`);
      const shots = process.env.VALISE_SCREENSHOTS;
      if (shots)
        await officer.page.screenshot({ path: `${shots}/audit-failed-row-${width}.png`, fullPage: true });
    }
    await officer.page.setViewportSize({ width: 1280, height: 900 });
  });

  test('an event deleted from the database is shown as a gap where it was, not skipped', async () => {
    const officer = person('fr.officer');
    // A hostile operator deletes a sign-in, lifting the append-only trigger.
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(node.sqlitePath);
    let victim: number;
    try {
      const row = db
        .prepare(
          // A sign-in before Claire's read: not the newest leaf, whose cut the checkpointer refuses.
          "SELECT leaf_index FROM audit_events WHERE type = 'session.started' ORDER BY leaf_index DESC LIMIT 1",
        )
        .get() as { leaf_index: number };
      victim = row.leaf_index;
      db.exec('DROP TRIGGER IF EXISTS audit_events_no_delete');
      db.prepare('DELETE FROM audit_events WHERE leaf_index = ?').run(victim);
    } finally {
      db.close();
    }
    await officer.page.goto(`${node.origin}/#/`);
    await officer.page.getByTestId('nav-audit').click();
    const gaps = officer.page.getByTestId('audit-gaps');
    const failure = officer.page.getByTestId('audit-failure');
    await Promise.race([gaps.waitFor(), failure.waitFor()]);
    assert.equal(
      await failure.count(),
      0,
      (await failure.count()) ? ((await failure.textContent()) ?? '') : '',
    );
    assert.match((await gaps.textContent()) ?? '', new RegExp(`\\b${victim}\\b`));
    // Screenshots only when asked (VALISE_SCREENSHOTS=<folder>): a test run leaves docs/ as it was.
    const shots = process.env.VALISE_SCREENSHOTS;
    for (const width of shots ? [1280, 390] : []) {
      await officer.page.setViewportSize({ width, height: 900 });
      await officer.page.screenshot({ path: `${shots}/audit-gap-${width}.png`, fullPage: true });
    }
  });
});
