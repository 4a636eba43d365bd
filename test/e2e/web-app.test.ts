/**
 * The web app in Debian's Chromium against a real node, with a CDP virtual
 * authenticator per browser profile. One node and one set of people for the file: the DE
 * and FR security officers (their links carry the organisation key, so each certifies its
 * own first browser), Anna (DE), Claire (FR) and Dan (FR, cleared UNCLASSIFIED only), each
 * enrolled from a one-time link, approved by their officer with a step-up, signed in.
 * The tests run in order and share the cables they send.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrolAndSignIn, newPerson, type Person, signIn } from './fixtures/web-person.ts';

const skip = browserSkipReason();

/** Anna writes a cable to FR (action) for COEST and sends it; returns its id and reference. */
async function sendCable(anna: Person, origin: string, subject: string, body: string, navigate = true) {
  if (navigate) await anna.page.goto(`${origin}/#/compose`);
  await anna.page.getByTestId('classification').selectOption('RESTREINT UE');
  await anna.page.getByTestId('action-FR').check();
  await anna.page.getByTestId('group-COEST').check();
  await anna.page.getByTestId('subject').fill(subject);
  await anna.page.getByTestId('body').fill(body);
  await anna.page.locator('[data-testid="recipient-org"][data-org="FR"]').waitFor();
  await anna.page.getByTestId('send').click();
  const sent = anna.page.getByTestId('sent');
  await sent.waitFor();
  const href = (await sent.locator('a').getAttribute('href')) ?? '';
  return { id: href.replace('#/cable/', ''), reference: (await sent.locator('a').textContent()) ?? '' };
}

function database(node: WebNode) {
  return new Sqlite(node.sqlitePath);
}

function deviceOf(node: WebNode, user: string): string {
  const db = database(node);
  try {
    return (db.prepare('SELECT device FROM passkeys WHERE user_id = ?').get(user) as { device: string })
      .device;
  } finally {
    db.close();
  }
}

describe('the web app', { skip: skip ?? false, timeout: 240_000 }, () => {
  let node: WebNode;
  let browser: Browser;
  let people: Map<string, Person>;
  const person = (user: string) => people.get(user)!;
  let first: { id: string; reference: string };

  before(async () => {
    node = await startWebNode();
    browser = await launchChromium();
    people = await enrolAndSignIn(browser, node.origin, node.links, [
      'de.officer',
      'fr.officer',
      'de.anna',
      'fr.claire',
      'fr.dan',
    ]);
  });
  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  test('two people of two organisations exchange a RESTREINT UE cable and the sender sees the acknowledgement', async () => {
    const anna = person('de.anna');
    const claire = person('fr.claire');
    first = await sendCable(
      anna,
      node.origin,
      'Eastern Partnership: ministerial preparations',
      'Please confirm attendance by Friday.',
    );
    assert.match(first.reference, /^DE\/\d+\/\d{2}$/);

    await claire.page.reload();
    const row = claire.page.locator(`[data-testid="inbox-row"][data-reference="${first.reference}"]`);
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /action required/);
    // Before it is opened: its subject, from the sealed summary opened in the worker, and unread.
    await row.getByText('Eastern Partnership: ministerial preparations').waitFor();
    assert.equal(await row.getAttribute('class'), 'unread');
    assert.doesNotMatch((await row.textContent()) ?? '', /opens on this device/);
    await row.click();
    await claire.page.getByTestId('cable').waitFor();
    assert.equal(
      await claire.page.getByTestId('classification-banner').count(),
      2,
      'a banner at top and bottom',
    );
    assert.equal(await claire.page.getByTestId('verification').getAttribute('data-code'), 'OK');
    assert.match(
      (await claire.page.getByTestId('verification').textContent()) ?? '',
      /Anna Schmidt \(de\.anna\).*laptop.*DE/,
    );
    assert.equal(
      await claire.page.getByTestId('cable-body').textContent(),
      'Please confirm attendance by Friday.',
    );
    await claire.page.getByTestId('acknowledge').click();
    await claire.page.getByTestId('acknowledged').waitFor();

    await anna.page.goto(`${node.origin}/#/cable/${first.id}`);
    const board = anna.page.locator('[data-testid="ack-row"][data-org="FR"]');
    await board.waitFor();
    assert.equal(await board.getAttribute('data-acknowledged'), 'true');
    assert.match((await board.textContent()) ?? '', /fr\.claire/);
    assert.match(
      (await board.locator('td[data-label="Acknowledged"] time').textContent()) ?? '',
      /^\d{6}Z [A-Z]{3} \d{2}$/,
      'the board says when, as a date-time group',
    );
    assert.equal(await board.getAttribute('data-delivered'), 'true', 'Claire opened it');

    // The sender's inbox counts the acknowledgements; the recipient's row says it is done.
    await anna.page.goto(`${node.origin}/#/`);
    const sent = anna.page.locator(`[data-testid="inbox-row"][data-reference="${first.reference}"]`);
    await sent.getByTestId('ack-count').waitFor();
    assert.equal(await sent.getByTestId('ack-count').textContent(), '1/1 acknowledged');
    // The sender knows what it sent: read, with its subject.
    assert.equal(await sent.getAttribute('class'), 'read');
    assert.match((await sent.textContent()) ?? '', /Eastern Partnership: ministerial preparations/);
    await claire.page.goto(`${node.origin}/#/`);
    const received = claire.page.locator(`[data-testid="inbox-row"][data-reference="${first.reference}"]`);
    await received.getByTestId('acknowledged-marker').waitFor();
    assert.doesNotMatch((await received.textContent()) ?? '', /action required|unacknowledged/);
  });

  test('a FLASH cable reaches the recipient on any page at once: a banner, the count in the title, the inbox up to date', async () => {
    const anna = person('de.anna');
    const claire = person('fr.claire');
    // Claire is busy writing: not on her inbox, and nothing polls.
    await claire.page.goto(`${node.origin}/#/compose`);
    await claire.page.getByTestId('subject').waitFor();
    await anna.page.goto(`${node.origin}/#/compose`);
    await anna.page.getByTestId('precedence').selectOption('FLASH');
    const flash = await sendCable(
      anna,
      node.origin,
      'Flash: consular emergency',
      'Call the duty officer.',
      false,
    );

    const banner = claire.page.locator(`[data-testid="urgent-cable"][data-reference="${flash.reference}"]`);
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /^FLASH RESTREINT UE cable .* from DE$/);
    assert.doesNotMatch((await banner.textContent()) ?? '', /consular/, 'no subject in the banner');
    assert.match(await claire.page.title(), /^\(1\) Valise$/);

    await claire.page.locator('nav a', { hasText: 'Inbox' }).click();
    await claire.page.locator(`[data-testid="inbox-row"][data-reference="${flash.reference}"]`).waitFor();
    assert.equal(await claire.page.title(), 'Valise');
  });

  test("a cable sent from one tab is in the sender's live inbox in another, read and with its subject", async () => {
    const anna = person('de.anna');
    const inboxTab = await anna.page.context().newPage();
    try {
      await inboxTab.goto(`${node.origin}/#/`);
      await inboxTab.getByTestId('inbox-row').first().waitFor();
      const sent = await sendCable(anna, node.origin, 'Sanctions: the next package', 'The draft follows.');
      const row = inboxTab.locator(`[data-testid="inbox-row"][data-reference="${sent.reference}"]`);
      await row.getByText('Sanctions: the next package').waitFor();
      assert.equal(await row.getAttribute('class'), 'read');
      assert.match((await row.textContent()) ?? '', /sent/);
      assert.doesNotMatch((await row.textContent()) ?? '', /unread/);
    } finally {
      await inboxTab.close();
    }
  });

  test('a cable with an attachment: sizes and the limit shown on compose, decrypted in the worker on the cable page', async () => {
    const anna = person('de.anna');
    const claire = person('fr.claire');
    const annex = Buffer.from('Annex A: the figures, in confidence.\n'.repeat(2000));
    await anna.page.goto(`${node.origin}/#/compose`);
    const input = anna.page.getByTestId('attach');
    await input.setInputFiles({
      name: 'too-big.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(25 * 1024 * 1024 + 1),
    });
    assert.match(
      (await anna.page.getByTestId('attach-error').textContent()) ?? '',
      /over the 25\.0 MiB limit/,
    );
    await input.setInputFiles({ name: 'annex-a.txt', mimeType: 'text/plain', buffer: annex });
    assert.match(
      (await anna.page.getByTestId('attached-file').textContent()) ?? '',
      /annex-a\.txt \(72\.3 KiB\)/,
    );
    const cable = await sendCable(anna, node.origin, 'With an annex', 'See the annex.', false);

    await claire.page.goto(`${node.origin}/#/cable/${cable.id}`);
    await claire.page.getByTestId('cable').waitFor();
    const [download] = await Promise.all([
      claire.page.waitForEvent('download'),
      claire.page.getByTestId('attachment-download').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'annex-a.txt');
    assert.deepEqual(await readFile((await download.path())!), annex);
    // The server holds the annex as ciphertext only.
    const db = database(node);
    try {
      const rows = db.prepare('SELECT content FROM attachments').all() as { content: Buffer }[];
      assert.ok(rows.length > 0);
      for (const row of rows) assert.ok(!row.content.includes(Buffer.from('Annex A')));
    } finally {
      db.close();
    }
  });

  test('a user cleared below the cable never receives its key, and the app does not say it exists', async () => {
    const dan = person('fr.dan');
    await dan.page.reload();
    await dan.page.getByTestId('inbox').waitFor();
    await dan.page.getByTestId('refresh').click();
    await dan.page.getByTestId('sync-state').filter({ hasText: 'cables' }).waitFor();
    assert.equal(
      await dan.page.locator(`[data-testid="inbox-row"][data-reference="${first.reference}"]`).count(),
      0,
    );
    await dan.page.goto(`${node.origin}/#/cable/${first.id}`);
    const failure = dan.page.getByTestId('cable-failure');
    await failure.waitFor();
    assert.equal(await dan.page.getByTestId('verification').getAttribute('data-code'), 'NOT_FOUND');
    assert.match((await failure.textContent()) ?? '', /does not say which/);
    assert.equal(await dan.page.getByTestId('cable-body').count(), 0);
    const db = database(node);
    try {
      const wraps = db
        .prepare('SELECT count(*) AS n FROM wraps WHERE device = ?')
        .get(deviceOf(node, 'fr.dan')) as { n: number };
      assert.equal(wraps.n, 0, "the server holds no key wrap for Dan's device");
    } finally {
      db.close();
    }
  });

  test('a cable whose ciphertext was changed in the database shows a verification failure, never text', async () => {
    const anna = person('de.anna');
    const claire = person('fr.claire');
    const cable = await sendCable(
      anna,
      node.origin,
      'Sanctions package, draft 3',
      'The text that must not leak.',
    );
    const db = database(node);
    try {
      const row = db.prepare('SELECT content FROM cables WHERE id = ?').get(cable.id) as { content: Buffer };
      const content = Buffer.from(row.content);
      content[content.length - 5]! ^= 0x01;
      db.prepare('UPDATE cables SET content = ? WHERE id = ?').run(content, cable.id);
    } finally {
      db.close();
    }
    await claire.page.goto(`${node.origin}/#/cable/${cable.id}`);
    await claire.page.getByTestId('cable-failure').waitFor();
    assert.equal(
      await claire.page.getByTestId('verification').getAttribute('data-code'),
      'CIPHERTEXT_MISMATCH',
    );
    assert.equal(await claire.page.getByTestId('cable-body').count(), 0);
    assert.doesNotMatch((await claire.page.locator('main').textContent()) ?? '', /must not leak/);
  });

  test('a session cookie copied into a fresh browser context gets nothing', async () => {
    const claire = person('fr.claire');
    const cookies = await claire.context.cookies(node.origin);
    const session = cookies.find((c) => c.name === '__Host-valise-session');
    assert.ok(session, 'the session cookie exists');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');

    const thief = await browser.newContext();
    try {
      await thief.addCookies([session]);
      const page = await thief.newPage();
      await page.goto(`${node.origin}/#/`);
      await page.getByTestId('not-enrolled').waitFor();
      for (const path of ['/api/v1/inbox', '/api/v1/web/session', `/api/v1/cables/${first.id}`]) {
        const answer = await thief.request.get(`${node.origin}${path}`);
        assert.equal(answer.status(), 401, path);
        assert.equal((await answer.json()).error.code, 'SIGNATURE_MISSING', path);
      }
    } finally {
      await thief.close();
    }
  });

  test('a signed-out session, even with its cookie put back, gets nothing', async () => {
    const claire = person('fr.claire');
    const [old] = (await claire.context.cookies(node.origin)).filter(
      (c) => c.name === '__Host-valise-session',
    );
    await claire.page.goto(`${node.origin}/#/`);
    await claire.page.getByRole('button', { name: 'Sign out' }).click();
    await claire.page.getByTestId('sign-in').waitFor();
    await claire.context.addCookies([old!]);
    const answer = claire.page.waitForResponse((r) => r.url().endsWith('/api/v1/web/session'));
    await claire.page.reload();
    const response = await answer;
    assert.equal(response.status(), 401);
    assert.equal((await response.json()).error.code, 'SESSION_EXPIRED');
    await claire.page.getByTestId('sign-in').waitFor();
    await signIn(claire, node.origin);
  });

  test("a revoked device's session gets nothing", async () => {
    const officer = person('fr.officer');
    const dan = person('fr.dan');
    await officer.page.goto(`${node.origin}/#/officer`);
    const row = officer.page.locator('[data-testid="device-row"][data-user="fr.dan"][data-status="active"]');
    await row.waitFor();
    // Revoking asks which device and why; no reason, no revocation.
    assert.match((await row.getByTestId('revoke').getAttribute('aria-label')) ?? '', /^Revoke .+ of Dan/);
    await row.getByTestId('revoke').click();
    assert.equal(await row.getByTestId('revoke-confirm-button').isDisabled(), true);
    await row.getByTestId('revoke-reason').fill('laptop lost on a train');
    await row.getByTestId('revoke-confirm-button').click();
    await officer.page.getByTestId('officer-message').filter({ hasText: 'done' }).waitFor();
    const answer = dan.page.waitForResponse((r) => r.url().endsWith('/api/v1/web/session'));
    await dan.page.reload();
    const response = await answer;
    assert.equal(response.status(), 403);
    assert.equal((await response.json()).error.code, 'DEVICE_REVOKED');
    await dan.page.getByTestId('device-revoked').waitFor();
    assert.equal(await dan.page.getByTestId('sign-in').count(), 0);
  });

  test('no page of the app has a password field', async () => {
    const pages: string[] = [];
    const check = async (who: Person, hash: string) => {
      await who.page.goto(`${node.origin}/${hash}`);
      // Not 'networkidle': a signed-in page keeps its live inbox stream open.
      await who.page.waitForLoadState('load');
      await who.page.locator('main > *').first().waitFor();
      const passwords = await who.page
        .locator('input[type="password"], [autocomplete~="current-password"], [autocomplete~="new-password"]')
        .count();
      assert.equal(passwords, 0, `a password field on ${hash}`);
      pages.push(hash);
    };
    const officer = person('de.officer');
    for (const hash of [
      '#/',
      '#/compose',
      '#/officer',
      '#/audit',
      `#/cable/${first.id}`,
      `#/compose/${first.reference}`,
    ]) {
      await check(officer, hash);
    }
    const stranger = await newPerson(browser);
    try {
      await check(stranger, '#/');
      await check(stranger, `#/enrol/${'A'.repeat(22)}.${'B'.repeat(43)}`);
    } finally {
      await stranger.context.close();
    }
    await check(person('fr.dan'), '#/');
    assert.equal(pages.length, 9);
  });

  test('a session idle for more than 15 minutes is over (the server clock moved on)', async () => {
    const anna = person('de.anna');
    await anna.page.goto(`${node.origin}/#/`);
    await anna.page.getByTestId('who').waitFor();
    await node.advance(16 * 60 * 1000);
    const answer = anna.page.waitForResponse((r) => r.url().endsWith('/api/v1/web/session'));
    await anna.page.reload();
    const response = await answer;
    assert.equal(response.status(), 401);
    assert.equal((await response.json()).error.code, 'SESSION_EXPIRED');
    await anna.page.getByTestId('sign-in').waitFor();
    await signIn(anna, node.origin);
  });

  test('a FLASH cable FR has not acknowledged after 10 minutes: the board marks it overdue, the banner says so', async () => {
    const anna = person('de.anna');
    const claire = person('fr.claire');
    // The clock moved on in the test before: Claire signs in again.
    await claire.page.reload();
    await signIn(claire, node.origin);
    await anna.page.goto(`${node.origin}/#/compose`);
    await anna.page.getByTestId('precedence').selectOption('FLASH');
    const flash = await sendCable(anna, node.origin, 'Flash: evacuation plan', 'Confirm by return.', false);
    await claire.page.goto(`${node.origin}/#/cable/${flash.id}`);
    await claire.page.getByTestId('cable-body').waitFor();

    await anna.page.goto(`${node.origin}/#/cable/${flash.id}`);
    const row = anna.page.locator('[data-testid="ack-row"][data-org="FR"]');
    await row.locator('td[data-label="Delivered"] time').waitFor();
    assert.equal(await row.getAttribute('data-overdue'), 'false');
    assert.match((await row.textContent()) ?? '', /not yet \(due \d{6}Z [A-Z]{3} \d{2}\)/);
    assert.match(
      (await anna.page.getByTestId('board-limit').textContent()) ?? '',
      /FLASH: action addressees acknowledge within 10 min/,
    );

    await node.advance(11 * 60 * 1000);
    // The page signs with the server's clock, read when it starts: it starts again, and its
    // live inbox is open before the escalation.
    const streaming = anna.page.waitForResponse((r) => r.url().endsWith('/api/v1/inbox/stream'));
    await anna.page.reload();
    await streaming;
    await row.waitFor();
    // The FLASH cable of an earlier test, which Claire never acknowledged, is overdue too.
    assert.ok((await node.escalate()) >= 1);

    const notice = anna.page.locator(`[data-testid="overdue-notice"][data-reference="${flash.reference}"]`);
    await notice.waitFor();
    assert.equal(
      (await notice.textContent())?.trim(),
      `FLASH ${flash.reference} not acknowledged by FR after 10 min`,
    );
    // The row was overdue by the clock from the reload on; the escalation reaches it when the
    // board reads itself again on the notice, a moment after the banner.
    await anna.page
      .locator('[data-testid="ack-row"][data-org="FR"][data-overdue="true"]')
      .filter({ hasText: 'its registry and the sender were told' })
      .waitFor();
    assert.match((await row.textContent()) ?? '', /OVERDUE/);
    assert.match(
      (await anna.page.getByTestId('board-overdue').textContent()) ?? '',
      /FR did not acknowledge within 10 min/,
    );
    // Screenshots only when asked (VALISE_SCREENSHOTS=<folder>): a test run leaves docs/ as it was.
    const shots = process.env.VALISE_SCREENSHOTS;
    for (const width of shots ? [1280, 390] : []) {
      await anna.page.setViewportSize({ width, height: 900 });
      await anna.page.screenshot({ path: `${shots}/delivery-board-${width}.png`, fullPage: true });
    }
  });
});
