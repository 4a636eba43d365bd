/**
 * Tags and search in Chromium against a real node: the FR officer writes a cable to DE with
 * tags (a tag over the format's length is refused before any sealing; the tags survive a
 * reload in the encrypted draft). Anna (DE) sees the tags beside the subject before opening
 * it, and finds the unopened cable by a tag or a subject word, never by its body, which is
 * searchable once she opens it; her reply starts with the original's tags. axe-core finds
 * no serious violation on compose at 1280 and 390 px; VALISE_SCREENSHOTS=<folder> saves it.
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
const SHOTS = process.env.VALISE_SCREENSHOTS;
const SUBJECT = 'Sanctions package: French position before COREPER';
const TAGS = ['Sanctions', 'COREPER', 'Ukraine'];

function row(page: Page, reference: string) {
  return page.locator(`[data-testid="inbox-row"][data-reference="${reference}"]`);
}

describe('tags in compose, and search over cables not yet opened', {
  skip: skip ?? false,
  timeout: 240_000,
}, () => {
  let node: WebNode;
  let browser: Browser;
  let people: Map<string, Person>;
  let sent = { id: '', reference: '' };
  const person = (user: string) => {
    const found = people.get(user);
    assert.ok(found, `${user} is enrolled`);
    return found;
  };

  before(async () => {
    node = await startWebNode();
    browser = await launchChromium();
    people = await enrolAndSignIn(browser, node.origin, node.links, ['de.officer', 'fr.officer', 'de.anna']);
  });
  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  test('a cable is composed with tags: a tag too long is refused, the tags are kept in the draft and sent', async () => {
    const page = person('fr.officer').page;
    await page.goto(`${node.origin}/#/compose`);
    await page.getByTestId('classification').selectOption('RESTREINT UE');
    await page.getByTestId('action-DE').check();
    await page.getByTestId('subject').fill(SUBJECT);
    await page.getByTestId('body').fill('Paris supports the Presidency compromise.');
    await page.getByTestId('tags').fill(`Sanctions, ${'x'.repeat(41)}`);
    await page.locator('[data-testid="recipient-org"][data-org="DE"]').waitFor();
    await page.getByTestId('send').click();
    assert.match(
      (await page.getByTestId('compose-error').textContent()) ?? '',
      /A tag is at most 40 characters/,
    );
    assert.equal(await page.getByTestId('sent').count(), 0, 'nothing sent');

    // The draft, tags included, is kept (encrypted) and comes back after a reload.
    await page.getByTestId('tags').fill(` ${TAGS.join(' , ')}, Sanctions `);
    await page.waitForTimeout(800);
    await page.reload();
    await page.getByTestId('send').waitFor();
    assert.equal(await page.getByTestId('tags').inputValue(), ` ${TAGS.join(' , ')}, Sanctions `);
    assert.equal(await page.getByTestId('subject').inputValue(), SUBJECT);

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, `compose-tags-${width}.png`), fullPage: true });
      }
      assert.deepEqual(await seriousViolations(page), [], `compose at ${width} px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `compose is wider than ${width} px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.locator('[data-testid="recipient-org"][data-org="DE"]').waitFor();
    await page.getByTestId('send').click();
    const link = page.getByTestId('sent').locator('a');
    await link.waitFor();
    sent = {
      id: ((await link.getAttribute('href')) ?? '').replace('#/cable/', ''),
      reference: (await link.textContent()) ?? '',
    };
    // The sender's own inbox shows the tags, each once, in the order typed.
    await page.goto(`${node.origin}/#/`);
    await row(page, sent.reference).getByTestId('inbox-tags').waitFor();
    assert.deepEqual(await row(page, sent.reference).locator('.tag').allTextContents(), TAGS);
  });

  test("the recipient's inbox shows the tags before opening, and search finds the unopened cable by a tag or a subject word", async () => {
    const page = person('de.anna').page;
    await page.goto(`${node.origin}/#/`);
    const listed = row(page, sent.reference);
    await listed.getByTestId('inbox-tags').waitFor();
    assert.deepEqual(await listed.locator('.tag').allTextContents(), TAGS);
    assert.equal(await listed.getAttribute('class'), 'unread');
    assert.match(
      (await page.getByTestId('search').getAttribute('placeholder')) ?? '',
      /subjects, tags and opened cables/,
    );
    for (const width of SHOTS ? [1280, 390] : []) {
      await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
      await page.screenshot({ path: join(SHOTS ?? '', `inbox-tags-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    const results = page.getByTestId('search-results');
    for (const query of ['ukraine', 'corep', 'french position']) {
      await page.getByTestId('search').fill(query);
      await results.waitFor();
      await row(page, sent.reference).waitFor();
      assert.equal(await results.getByTestId('inbox-row').count(), 1, `"${query}" finds the one cable`);
      assert.equal(await row(page, sent.reference).getAttribute('class'), 'unread', 'still unopened');
    }
    // The body is unknown until the cable is opened here.
    await page.getByTestId('search').fill('compromise');
    await page.getByText('Nothing matches.').waitFor();

    await page.getByTestId('search').fill('');
    await row(page, sent.reference).locator('a').click();
    await page.getByTestId('cable-body').waitFor();
    await page.goto(`${node.origin}/#/`);
    await page.getByTestId('inbox').waitFor();
    await page.getByTestId('search').fill('compromise');
    await results.waitFor();
    await row(page, sent.reference).waitFor();
    assert.equal(await row(page, sent.reference).getAttribute('class'), 'read');
    await page.getByTestId('search').fill('');
  });

  test("a reply starts with the original's tags", async () => {
    const page = person('de.anna').page;
    await page.goto(`${node.origin}/#/cable/${sent.id}`);
    await page.getByTestId('reply').click();
    await page.getByTestId('send').waitFor();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="tags"]') as HTMLInputElement | null)?.value !== '',
    );
    assert.equal(await page.getByTestId('tags').inputValue(), TAGS.join(', '));
    assert.equal(await page.getByTestId('subject').inputValue(), `RE: ${SUBJECT}`);
  });
});
