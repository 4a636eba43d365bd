/**
 * The watch in Chromium against a real node (docs/design.md §9). Claire (FR) reloads one cable
 * like a scraper until the watch holds her browser; her security officer's Watch page shows
 * the alert and the hold as they happen (pushed from the server's stream, not polled) and
 * her reads drawn against the alert line. Claire's page says what happened and whom to call,
 * and a fresh touch of her passkey releases the hold, so reading resumes. The officer then
 * suspends her device with a reason that goes into the log; Claire's page says so, with no
 * way out but a call. Each page is checked with axe at 1280 and 390 px; with
 * VALISE_SCREENSHOTS=<folder> their screenshots are saved there (docs/screenshots/).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './fixtures/axe.ts';
import { startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrolAndSignIn, type Person } from './fixtures/web-person.ts';

const skip = browserSkipReason();
/** VALISE_SCREENSHOTS=docs/screenshots refreshes the committed screenshots. */
const SHOTS = process.env.VALISE_SCREENSHOTS;

/** At 1280 and 390 px the page fits and axe finds nothing serious; screenshots if asked. */
async function shoot(page: Page, name: string): Promise<void> {
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  for (const [suffix, width] of [
    ['wide', 1280],
    ['narrow', 390],
  ] as const) {
    await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
    await page.waitForTimeout(150); // the chart measures its new width
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}-${suffix}.png`), fullPage: true });
    assert.deepEqual(await seriousViolations(page), [], `${name} at ${width} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} is wider than ${width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('the watch in the browser', { skip: skip ?? false, timeout: 300_000 }, () => {
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

  test('a scrape is held live on the officer’s page, and a passkey touch lets the person read again', async () => {
    const anna = person('de.anna');
    const claire = person('fr.claire');
    const officer = person('fr.officer');

    await officer.page.goto(`${node.origin}/#/`);
    await officer.page.getByTestId('nav-watch').click();
    await officer.page.locator('[data-testid="watch-live"][data-live="true"]').waitFor();
    const claireRow = officer.page.locator('[data-testid="watch-device"][data-user="fr.claire"]');
    assert.equal(await claireRow.getAttribute('data-state'), 'active');

    await anna.page.goto(`${node.origin}/#/compose`);
    await anna.page.getByTestId('classification').selectOption('RESTREINT UE');
    await anna.page.getByTestId('action-FR').check();
    await anna.page.getByTestId('group-COEST').check();
    await anna.page.getByTestId('subject').fill('Read me once');
    await anna.page.getByTestId('body').fill('Reading this twenty times a minute is no person reading.');
    await anna.page.locator('[data-testid="recipient-org"][data-org="FR"]').waitFor();
    await anna.page.getByTestId('send').click();
    const sent = anna.page.getByTestId('sent');
    await sent.waitFor();
    const id = ((await sent.locator('a').getAttribute('href')) ?? '').replace('#/cable/', '');

    // Claire's browser reads the cable over and over, as a scraper in it would.
    await claire.page.goto(`${node.origin}/#/cable/${id}`);
    let reads = 0;
    for (; reads < 40; reads++) {
      await claire.page.locator('[data-testid="cable-body"], [data-testid="device-held"]').first().waitFor();
      if (await claire.page.getByTestId('device-held').count()) break;
      await claire.page.reload();
    }
    const held = claire.page.getByTestId('device-held');
    assert.equal(await held.count(), 1, `held after ${reads} reads`);
    assert.ok(reads <= 30, `stopped within 30 reads (${reads})`);
    assert.match((await held.textContent()) ?? '', /security officer of FR/);
    await claire.page.getByTestId('stopped-officers').getByText('(fr.officer)').waitFor();

    // The officer saw it live: the alert, then the hold, and the device is marked held.
    await officer.page.locator('[data-testid="watch-event"][data-type="watch.alert"]').waitFor();
    await officer.page.locator('[data-testid="watch-event"][data-type="watch.held"]').waitFor();
    await officer.page
      .locator('[data-testid="watch-device"][data-user="fr.claire"][data-state="held"]')
      .waitFor();
    await claireRow.getByRole('button', { name: 'fr.claire' }).click();
    const chart = officer.page.getByTestId('activity-chart');
    await chart.waitFor();
    assert.equal(await officer.page.getByTestId('activity-limit').getAttribute('data-limit'), '30');
    const bars = await officer.page
      .getByTestId('activity-bar')
      .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-reads'))));
    assert.ok(
      bars.reduce((a, b) => a + b, 0) >= reads,
      `the chart shows the burst (${bars.join(',')} for ${reads})`,
    );
    await shoot(officer.page, 'watch-officer');
    await shoot(claire.page, 'watch-held');

    // A fresh passkey touch releases the hold, and the cable opens again.
    await claire.page.getByTestId('release-with-passkey').click();
    await claire.page.getByTestId('cable-body').waitFor();
    await officer.page.locator('[data-testid="watch-event"][data-type="watch.stepped-up"]').waitFor();
    await officer.page
      .locator('[data-testid="watch-device"][data-user="fr.claire"][data-state="active"]')
      .waitFor();
  });

  test('the officer suspends a device with a reason; the person is told whom to call, with no way out', async () => {
    const claire = person('fr.claire');
    const officer = person('fr.officer');
    const detail = officer.page.locator('[data-testid="watch-detail"][data-user="fr.claire"]');
    await detail.waitFor();
    await detail.getByTestId('act-suspend').click();
    await detail.getByTestId('act-confirm').click();
    assert.match((await detail.getByTestId('act-message').textContent()) ?? '', /goes into the audit log/);
    await detail.getByTestId('act-reason').fill('laptop reported stolen at the airport');
    await detail.getByTestId('act-confirm').click();
    await detail.getByTestId('act-message').filter({ hasText: 'done' }).waitFor();
    const event = officer.page.locator('[data-testid="watch-event"][data-type="watch.suspended"]');
    await event.waitFor();
    assert.match((await event.textContent()) ?? '', /laptop reported stolen at the airport/);
    await officer.page
      .locator('[data-testid="watch-device"][data-user="fr.claire"][data-state="suspended"]')
      .waitFor();

    await claire.page.reload();
    const suspended = claire.page.getByTestId('device-suspended');
    await suspended.waitFor();
    assert.match((await suspended.textContent()) ?? '', /call a security officer of FR/i);
    await claire.page.getByTestId('stopped-officers').getByText('(fr.officer)').waitFor();
    assert.equal(await claire.page.getByTestId('release-with-passkey').count(), 0);
    assert.equal(await claire.page.getByTestId('cable-body').count(), 0);
    await shoot(claire.page, 'watch-suspended');
  });

  test('a canary planted from the Watch page suspends the person who opens it, before any text is served', async () => {
    const officer = person('de.officer');
    const anna = person('de.anna');
    await officer.page.goto(`${node.origin}/#/watch`);
    const form = officer.page.getByTestId('canary-form');
    await form
      .getByTestId('canary-user')
      .locator('option', { hasText: 'de.anna' })
      .waitFor({ state: 'attached' });
    await form.getByTestId('canary-user').selectOption('de.anna');
    await form.getByTestId('canary-subject').fill('Ministerial travel: revised programme');
    await form.getByTestId('canary-body').fill('Please treat as restricted.');
    await form.getByTestId('canary-reason').fill('suspected leak of travel plans');
    await form.getByTestId('canary-plant').click();
    const planted = form.getByTestId('canary-message').filter({ hasText: 'planted' });
    await planted.waitFor();
    const reference = /Canary (DE\/\d+\/\d\d) planted for de\.anna/.exec(
      (await planted.textContent()) ?? '',
    )?.[1];
    assert.ok(reference, "the officer is told the canary's reference");

    await anna.page.goto(`${node.origin}/#/`);
    const row = anna.page.locator(`[data-testid="inbox-row"][data-reference="${reference}"]`);
    await row.waitFor();
    // Its subject is listed (logged and counted like a read), which is not opening it.
    await row.getByText('Ministerial travel: revised programme').waitFor();
    await row.getByRole('link').click();
    await anna.page
      .locator('[data-testid="cable-failure"], [data-testid="device-suspended"]')
      .first()
      .waitFor();
    assert.equal(await anna.page.getByTestId('cable-body').count(), 0, 'no text of the canary is served');
    await anna.page.reload();
    await anna.page.getByTestId('device-suspended').waitFor();
    await officer.page
      .locator('[data-testid="watch-device"][data-user="de.anna"][data-state="suspended"]')
      .waitFor();

    // The officer sent the canary from this browser: read in their inbox, with its subject.
    await officer.page.goto(`${node.origin}/#/`);
    const sentRow = officer.page.locator(`[data-testid="inbox-row"][data-reference="${reference}"]`);
    await sentRow.getByText('Ministerial travel: revised programme').waitFor();
    assert.equal(await sentRow.getAttribute('class'), 'read');
  });
});
