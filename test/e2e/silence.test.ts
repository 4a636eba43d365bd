/**
 * The silence procedure in Chromium against a real node whose Presidency is FR: Claire (FR)
 * circulates a text to DE under the silence procedure from compose (a passkey touch), Anna
 * (DE) receives it, sees the procedure with its countdown and breaks silence with a reason
 * (another passkey touch), and Claire's open procedure page shows the broken silence and the
 * reason without a reload; Anna's inbox lists her objection as read, with its subject. At 1280 and 390 px wide axe-core finds no serious violation and
 * nothing is wider than the screen. With VALISE_SCREENSHOTS=<folder> the pages are saved there.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrolAndSignIn, type Person } from './fixtures/web-person.ts';

const skip = browserSkipReason();
const SHOTS = process.env.VALISE_SCREENSHOTS;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const REASON = 'Germany cannot accept the second paragraph as drafted.';

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document) => Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run(document)).violations;
  })) as { id: string; impact: string | null; help: string }[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help}`);
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of [
    { name: 'wide', width: 1280, height: 900 },
    { name: 'narrow', width: 390, height: 844 },
  ]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${name}-${size.name}.png`), fullPage: true });
    }
    assert.deepEqual(await seriousViolations(page), [], `${name} at ${size.width} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} is wider than ${size.width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('the silence procedure in the browser', { skip: skip ?? false, timeout: 300_000 }, () => {
  let node: WebNode;
  let browser: Browser;
  let people: Map<string, Person>;
  const person = (user: string) => people.get(user)!;

  before(async () => {
    node = await startWebNode({ presidency: 'FR' });
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

  test('the Presidency opens, a participant breaks silence with a reason, the Presidency sees it live', async () => {
    const claire = person('fr.claire').page;
    await claire.goto(`${node.origin}/#/compose`);
    await claire.getByTestId('classification').selectOption('RESTREINT UE');
    await claire.getByTestId('action-DE').check();
    await claire.getByTestId('group-COEST').check();
    await claire.getByTestId('silence-hours').fill('48');
    await claire.getByTestId('subject').fill('Declaration on the elections');
    await claire.getByTestId('body').fill('The Presidency proposes the following declaration.');
    await claire.locator('[data-testid="recipient-org"][data-org="DE"]').waitFor();
    await claire.getByTestId('send').click();
    const sent = claire.getByTestId('sent');
    await sent.waitFor();
    const id = ((await sent.locator('a').getAttribute('href')) ?? '').replace('#/cable/', '');
    const reference = (await sent.locator('a').textContent()) ?? '';

    // The Presidency's page before anyone received the text.
    await claire.goto(`${node.origin}/#/procedure/${id}`);
    await claire.locator('[data-testid="participant"][data-org="DE"]').waitFor();
    assert.match(
      (await claire.getByTestId('countdown').textContent()) ?? '',
      /^4[78] h \d\d min \d\d s left$/,
    );
    assert.match(
      (await claire.locator('[data-testid="participant"][data-org="DE"]').textContent()) ?? '',
      /not yet/,
    );

    // Anna receives the text (a logged fetch) and follows the cable's link to the procedure.
    const anna = person('de.anna').page;
    // From the inbox, as a person would: listing it syncs the directory the cable was sealed at.
    await anna.goto(`${node.origin}/#/`);
    await anna.locator(`[data-testid="inbox-row"][data-reference="${reference}"]`).waitFor();
    await anna.goto(`${node.origin}/#/cable/${id}`);
    await anna.getByTestId('procedure-link').click();
    await anna.getByTestId('break-silence').waitFor();
    assert.doesNotMatch(
      (await anna.locator('[data-testid="participant"][data-org="DE"]').textContent()) ?? '',
      /not yet/,
    );
    await shoot(anna, 'procedure-participant');

    await anna.getByTestId('objection-reason').fill(REASON);
    await anna.getByTestId('break-silence').click();
    await anna.getByTestId('procedure-message').filter({ hasText: 'Silence broken' }).waitFor();
    assert.equal(await anna.getByTestId('break-silence').count(), 0, 'silence is broken once');

    // Claire's page, left open, shows it on its next refresh: who, when and why.
    await claire
      .locator('[data-testid="participant"][data-org="DE"][data-objected="true"]')
      .waitFor({ timeout: 20_000 });
    await claire.locator('[data-testid="objection"][data-org="DE"]').filter({ hasText: REASON }).waitFor();
    await claire.getByTestId('broken-before-deadline').waitFor();
    assert.equal(
      await claire.getByTestId('break-silence').count(),
      0,
      'the Presidency does not object to itself',
    );
    await shoot(claire, 'procedure-presidency');

    // Anna's objection, sent from the procedure page: in her inbox it is read (she sent it)
    // and shows its subject, from its sealed summary, though it was never opened here.
    await anna.goto(`${node.origin}/#/`);
    const objection = anna.locator('[data-testid="inbox-row"]').filter({ hasText: 'Silence broken' });
    await objection.waitFor();
    assert.equal(await objection.getAttribute('class'), 'read');
    assert.match((await objection.textContent()) ?? '', /sent/);
  });
});
