/**
 * Every page of the web app, as a diplomat and an officer use it, at a desktop width and at
 * a phone width: axe-core (injected into the real Chromium) finds no serious or critical
 * violation, nothing is wider than the screen, and the keyboard reaches the inbox.
 * With VALISE_SCREENSHOTS=<folder> the suite also saves each page's screenshot there, which
 * is how docs/screenshots/ is refreshed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './fixtures/axe.ts';
import { buildWebApp, startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrolAndSignIn, type Person } from './fixtures/web-person.ts';

const skip = browserSkipReason();
const WIDTHS = [
  { name: 'wide', width: 1280, height: 900 },
  { name: 'narrow', width: 390, height: 844 },
] as const;
const SHOTS = process.env.VALISE_SCREENSHOTS;

/** How far the page's content reaches beyond the window, in CSS pixels (0 when it fits). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe('accessibility and narrow screens', { skip: skip ?? false, timeout: 300_000 }, () => {
  let node: WebNode;
  let browser: Browser;
  let people: Map<string, Person>;
  let cableHref = '';
  let replacement: WebNode | undefined;
  let appDir: string | undefined;
  const person = (user: string) => {
    const found = people.get(user);
    assert.ok(found, `${user} is enrolled`);
    return found;
  };

  before(async () => {
    // One build for both nodes of the last test; removed in after().
    appDir = buildWebApp();
    node = await startWebNode({ appDir });
    browser = await launchChromium();
    people = await enrolAndSignIn(browser, node.origin, node.links, ['de.officer', 'de.anna', 'fr.officer']);
    // One cable so that the inbox, the cable page and the audit page have something to show.
    const anna = person('de.anna').page;
    await anna.goto(`${node.origin}/#/compose`);
    await anna.getByTestId('classification').selectOption('RESTREINT UE');
    await anna.getByTestId('action-FR').check();
    await anna.getByTestId('subject').fill('Eastern Partnership: ministerial preparations');
    await anna.getByTestId('body').fill('Please confirm attendance by Friday.');
    await anna.locator('[data-testid="recipient-org"][data-org="FR"]').waitFor();
    await anna.getByTestId('send').click();
    await anna.getByTestId('sent').waitFor();
    cableHref = (await anna.getByTestId('sent').locator('a').getAttribute('href')) ?? '';
    assert.match(cableHref, /^#\/cable\//);
    // And one cable to DE, so that Anna's inbox also holds a cable she has not opened.
    const fr = person('fr.officer').page;
    await fr.goto(`${node.origin}/#/compose`);
    await fr.getByTestId('classification').selectOption('RESTREINT UE');
    await fr.getByTestId('precedence').selectOption('IMMEDIATE');
    await fr.getByTestId('action-DE').check();
    await fr.getByTestId('subject').fill('Sanctions package: French position before COREPER');
    await fr.getByTestId('body').fill('Paris supports the Presidency compromise.');
    await fr.locator('[data-testid="recipient-org"][data-org="DE"]').waitFor();
    await fr.getByTestId('send').click();
    await fr.getByTestId('sent').waitFor();
  });
  after(async () => {
    await browser?.close();
    await replacement?.stop();
    await node?.stop();
    if (appDir) rmSync(dirname(appDir), { recursive: true, force: true });
  });

  const pages = [
    { name: 'inbox', user: 'de.anna', path: () => '#/', ready: 'inbox' },
    { name: 'cable', user: 'de.anna', path: () => cableHref, ready: 'cable-body' },
    { name: 'compose', user: 'de.anna', path: () => '#/compose', ready: 'send' },
    { name: 'officer', user: 'de.officer', path: () => '#/officer', ready: 'officer' },
    { name: 'audit', user: 'de.officer', path: () => '#/audit', ready: 'audit-row' },
    { name: 'watch', user: 'de.officer', path: () => '#/watch', ready: 'watch-device' },
  ] as const;

  // First, before any page opens the cable.
  test("the inbox shows subjects before any cable is opened: the sender's own cable read, a received one unread", async () => {
    const page = person('de.anna').page;
    await page.goto(`${node.origin}/#/`);
    const own = page.locator('[data-testid="inbox-row"]', { hasText: 'Eastern Partnership' });
    await own.waitFor();
    assert.match((await own.textContent()) ?? '', /Eastern Partnership: ministerial preparations/);
    assert.equal(await own.getAttribute('class'), 'read');
    // A received cable's subject is listed from its sealed summary before it is opened.
    const received = page.locator('[data-testid="inbox-row"]', { hasText: 'Sanctions package' });
    await received.waitFor();
    assert.equal(await received.getAttribute('class'), 'unread');
  });

  for (const size of WIDTHS) {
    for (const shown of pages) {
      test(`the ${shown.name} page at ${size.width} px has no serious accessibility violation and fits the screen`, async () => {
        const page = person(shown.user).page;
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.goto(`${node.origin}/${shown.path()}`);
        await page.getByTestId(shown.ready).first().waitFor();
        if (SHOTS) {
          mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({ path: join(SHOTS, `${shown.name}-${size.name}.png`), fullPage: true });
        }
        assert.deepEqual(await seriousViolations(page), []);
        assert.ok((await overflow(page)) <= 0, `the ${shown.name} page is wider than ${size.width} px`);
      });
    }
  }

  test('the sign-in page has no serious accessibility violation', async () => {
    const stranger = await browser.newContext();
    try {
      const page = await stranger.newPage();
      await page.goto(`${node.origin}/#/`);
      await page.locator('main').getByRole('heading').first().waitFor();
      assert.deepEqual(await seriousViolations(page), []);
    } finally {
      await stranger.close();
    }
  });

  test('search over the cables opened here keeps the inbox columns and says how many match', async () => {
    const page = person('de.anna').page;
    await page.goto(`${node.origin}/#/`);
    await page.getByTestId('inbox-row').first().waitFor();
    await page.getByTestId('search').fill('ministerial');
    const results = page.getByTestId('search-results');
    await results.waitFor();
    assert.deepEqual(await results.locator('th').allTextContents(), [
      'Prec.',
      'Classification',
      'Reference',
      'Date-time group',
      'From',
      'Subject',
      'Status',
    ]);
    assert.equal(await results.getByTestId('inbox-row').count(), 1);
    assert.match((await page.getByTestId('sync-state').textContent()) ?? '', /^1 cable of \d+ match$/);
    await page.getByTestId('search').fill('no such words anywhere');
    await page.getByText('Nothing matches.').waitFor();
    assert.equal(await results.getByTestId('inbox-row').count(), 0);
    await page.getByTestId('search').fill('');
  });

  test('the keyboard alone opens a cable from the inbox, and the navigation marks the current page', async () => {
    const page = person('de.anna').page;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${node.origin}/#/`);
    const first = page.getByTestId('inbox-row').first();
    await first.waitFor();
    // The first row is FR's IMMEDIATE cable (precedence before time), not yet opened.
    const firstHref = await first.locator('a').first().getAttribute('href');
    assert.equal(await page.locator('nav [aria-current="page"]').textContent(), 'Inbox');
    // Tab until the cable's reference link has the focus, then press Enter.
    let focused = '';
    for (let i = 0; i < 30 && !focused.startsWith('#/cable/'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    }
    assert.equal(focused, firstHref, 'the reference is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('cable-body').waitFor();
    assert.match((await page.getByTestId('cable-body').textContent()) ?? '', /Presidency compromise/);
  });

  test('compose flags an addressee nobody can read and sends to it only when the sender confirms', async () => {
    const page = person('de.anna').page;
    await page.goto(`${node.origin}/#/compose`);
    await page.getByTestId('classification').selectOption('RESTREINT UE');
    await page.getByTestId('action-PL').check();
    await page.getByTestId('subject').fill('Undeliverable');
    const flag = page.locator('[data-testid="undeliverable"][data-org="PL"]');
    await flag.waitFor();
    assert.match((await flag.textContent()) ?? '', /PL \(action\) — nobody can read this cable/);
    assert.equal(await page.getByTestId('send').isDisabled(), true, 'no send without confirmation');
    await page.getByTestId('send-anyway').check();
    assert.equal(await page.getByTestId('send').isDisabled(), false);
    await page.getByTestId('action-PL').uncheck();
    await page.getByTestId('subject').fill('');
  });

  // Last: it stops the server.
  test("with the server down, a cable opened before shows from the browser's copy, another says why, and a replaced network is said so, with no passkey asked", async () => {
    const anna = person('de.anna').page;
    await anna.goto(`${node.origin}/#/compose`);
    await anna.getByTestId('classification').selectOption('RESTREINT UE');
    await anna.getByTestId('action-FR').check();
    await anna.getByTestId('subject').fill('Never opened here');
    await anna.getByTestId('body').fill('This text was never decrypted in this browser.');
    await anna.locator('[data-testid="recipient-org"][data-org="FR"]').waitFor();
    await anna.getByTestId('send').click();
    await anna.getByTestId('sent').waitFor();
    const unopened = (await anna.getByTestId('sent').locator('a').getAttribute('href')) ?? '';
    // The first cable was opened by the page tests above.
    await anna.goto(`${node.origin}/#/`);
    await anna.getByTestId('inbox-row').first().waitFor();
    await node.stop();

    await anna.evaluate((hash) => {
      window.location.hash = hash;
    }, cableHref);
    await anna.getByTestId('cable-offline').waitFor();
    assert.match((await anna.getByTestId('cable-body').textContent()) ?? '', /confirm attendance/);

    await anna.evaluate((hash) => {
      window.location.hash = hash;
    }, unopened);
    await anna.getByTestId('cable-failure').waitFor();
    assert.equal(await anna.getByTestId('verification').getAttribute('data-code'), 'SERVER_UNREACHABLE');
    assert.match((await anna.getByTestId('cable-failure').textContent()) ?? '', /cannot be reached/);
    assert.doesNotMatch((await anna.getByTestId('cable-failure').textContent()) ?? '', /never decrypted/);

    // A node started afresh at the same address is another network: the browser says so,
    // and offers no passkey sign-in there (device-standing.test.ts follows this further).
    replacement = await startWebNode({ port: node.port, ...(appDir ? { appDir } : {}) });
    await anna.goto(`${replacement.origin}/#/`);
    await anna.reload();
    await anna.getByTestId('device-unknown').waitFor();
    assert.match((await anna.getByTestId('another-network').textContent()) ?? '', /another network/);
    assert.equal(await anna.getByTestId('sign-in').count(), 0);
  });
});
