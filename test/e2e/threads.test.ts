/**
 * Three organisations in Chromium against a real node whose Presidency is FR: Claire (FR)
 * composes a silence procedure to DE, IT and PL, sees that nobody at PL can read it (the
 * undeliverable-addressee warning blocks sending), opens it to DE and IT; Giulia (IT) keeps the
 * procedure page open while Anna (DE) breaks silence, and sees it without reloading. Anna
 * acknowledges and replies: compose is pre-filled from the original (RE: subject, FR as action,
 * IT as info, the group, the classification and nothing lower offered). Claire follows the
 * reply's `reply to` link to the original, whose thread lists the objection, the reply and
 * DE's acknowledgement, each a link. Claire extends the deadline and withdraws the text from
 * the procedure page (a passkey touch each); Giulia sees the withdrawal live; both acts join
 * the thread. At 1280 and 390 px axe-core finds no serious violation and nothing is wider
 * than the screen. VALISE_SCREENSHOTS=1 (or a folder) saves the pages into docs/screenshots/.
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
const SHOTS =
  process.env.VALISE_SCREENSHOTS === '1' ? 'docs/screenshots' : process.env.VALISE_SCREENSHOTS || undefined;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SUBJECT = 'Declaration on the elections';
const REASON = 'Germany cannot accept the second paragraph as drafted.';

/** A third organisation with people, besides the demo's DE and FR. */
const ITALY = [
  {
    user: 'it.officer',
    name: 'Marco Rossi',
    org: 'IT',
    role: 'security-officer',
    clearance: 'RESTREINT UE',
    groups: [],
  },
  {
    user: 'it.giulia',
    name: 'Giulia Bianchi',
    org: 'IT',
    role: 'member',
    clearance: 'RESTREINT UE',
    groups: ['COEST'],
  },
];

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
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 1280 ? 900 : 844 });
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
    }
    assert.deepEqual(await seriousViolations(page), [], `${name} at ${width} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} is wider than ${width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const idOf = async (page: Page) =>
  ((await page.getByTestId('sent').locator('a').getAttribute('href')) ?? '').replace('#/cable/', '');

describe('threads and the silence procedure between three organisations', {
  skip: skip ?? false,
  timeout: 600_000,
}, () => {
  let node: WebNode;
  let browser: Browser;
  let people: Map<string, Person>;
  const page = (user: string) => people.get(user)!.page;
  /** The opening cable, once sent. */
  let opening = { id: '', reference: '' };

  before(async () => {
    node = await startWebNode({ presidency: 'FR', morePeople: ITALY });
    browser = await launchChromium();
    people = await enrolAndSignIn(browser, node.origin, node.links, [
      'de.officer',
      'fr.officer',
      'it.officer',
      'de.anna',
      'fr.claire',
      'it.giulia',
    ]);
  });
  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  /** Opens a cable from the inbox, as a person would (listing it syncs the directory). */
  async function openFromInbox(who: Page, reference: string, id: string): Promise<void> {
    await who.goto(`${node.origin}/#/`);
    await who.locator(`[data-testid="inbox-row"][data-reference="${reference}"]`).waitFor();
    await who.goto(`${node.origin}/#/cable/${id}`);
    await who.getByTestId('cable-subject').waitFor();
  }

  test('the Presidency opens to two participants; one objects; the third sees silence broken live', async () => {
    const claire = page('fr.claire');
    await claire.goto(`${node.origin}/#/compose`);
    await claire.getByTestId('classification').selectOption('RESTREINT UE');
    for (const org of ['DE', 'IT', 'PL']) await claire.getByTestId(`action-${org}`).check();
    await claire.getByTestId('group-COEST').check();
    await claire.getByTestId('silence-hours').fill('48');
    await claire.getByTestId('subject').fill(SUBJECT);
    await claire.getByTestId('body').fill('The Presidency proposes the following declaration.');
    // Nobody at PL can read it: said before sending, and sending waits for a decision.
    const pl = claire.locator('[data-testid="undeliverable"][data-org="PL"]');
    await pl.waitFor();
    assert.match((await pl.textContent()) ?? '', /nobody can read this cable/);
    assert.equal(await claire.getByTestId('send').isDisabled(), true);
    await shoot(claire, 'compose-undeliverable');
    await claire.getByTestId('action-PL').uncheck();
    await pl.waitFor({ state: 'detached' });
    await claire.locator('[data-testid="recipient-org"][data-org="IT"]').waitFor();
    await claire.getByTestId('send').click();
    await claire.getByTestId('sent').waitFor();
    opening = {
      id: await idOf(claire),
      reference: (await claire.getByTestId('sent').locator('a').textContent()) ?? '',
    };

    // Giulia receives the text and keeps the procedure page open.
    const giulia = page('it.giulia');
    await openFromInbox(giulia, opening.reference, opening.id);
    await giulia.getByTestId('procedure-link').click();
    await giulia.getByTestId('break-silence').waitFor();
    assert.equal(
      await giulia.getByTestId('presidency-acts').count(),
      0,
      'a participant is not the Presidency',
    );

    // Anna receives it and breaks silence.
    const anna = page('de.anna');
    await openFromInbox(anna, opening.reference, opening.id);
    await anna.getByTestId('procedure-link').click();
    await anna.getByTestId('objection-reason').fill(REASON);
    await anna.getByTestId('break-silence').click();
    await anna.getByTestId('procedure-message').filter({ hasText: 'Silence broken' }).waitFor();

    // Giulia's page, never reloaded, shows who broke silence and why.
    await giulia
      .locator('[data-testid="participant"][data-org="DE"][data-objected="true"]')
      .waitFor({ timeout: 20_000 });
    await giulia.locator('[data-testid="objection"][data-org="DE"]').filter({ hasText: REASON }).waitFor();
    await giulia.getByTestId('broken-before-deadline').waitFor();
    assert.equal(
      await giulia.locator('[data-testid="participant"][data-org="IT"][data-objected="false"]').count(),
      1,
    );
    await shoot(giulia, 'procedure-broken-third');
  });

  test('a reply is pre-filled from the original, and the thread links every cable of it', async () => {
    const anna = page('de.anna');
    await anna.goto(`${node.origin}/#/cable/${opening.id}`);
    await anna.getByTestId('acknowledge').click();
    await anna.getByTestId('acknowledged').waitFor();
    await anna.getByTestId('reply').click();
    const subject = anna.getByTestId('subject');
    await anna.waitForFunction(
      (expected) =>
        (document.querySelector('[data-testid="subject"]') as HTMLInputElement | null)?.value === expected,
      `RE: ${SUBJECT}`,
    );
    assert.equal(await anna.getByTestId('reply-to').inputValue(), opening.reference);
    assert.equal(await anna.getByTestId('classification').inputValue(), 'RESTREINT UE');
    // Nothing lower than the original is offered.
    const levels = await anna.getByTestId('classification').locator('option').allTextContents();
    assert.deepEqual(levels, ['RESTREINT UE']);
    await anna.getByTestId('reply-floor').waitFor();
    assert.equal(await anna.getByTestId('action-FR').isChecked(), true, 'the sender is the action addressee');
    assert.equal(await anna.getByTestId('info-IT').isChecked(), true, 'the other addressees are informed');
    assert.equal(await anna.getByTestId('action-IT').isChecked(), false);
    assert.equal(await anna.getByTestId('action-DE').isChecked(), false, 'never oneself');
    assert.equal(await anna.getByTestId('info-DE').isChecked(), false, 'never oneself');
    assert.equal(await anna.getByTestId('group-COEST').isChecked(), true);
    await anna.getByTestId('body').fill('Germany proposes to redraft the second paragraph.');
    await anna.locator('[data-testid="recipient-org"][data-org="FR"]').waitFor();
    await shoot(anna, 'compose-reply');
    await subject.fill(`RE: ${SUBJECT}`);
    await anna.getByTestId('send').click();
    await anna.getByTestId('sent').waitFor();
    const reply = {
      id: await idOf(anna),
      reference: (await anna.getByTestId('sent').locator('a').textContent()) ?? '',
    };

    // Claire opens the reply: `reply to FR/…` is a link to the original.
    const claire = page('fr.claire');
    await openFromInbox(claire, reply.reference, reply.id);
    assert.equal(await claire.getByTestId('cable-subject').textContent(), `RE: ${SUBJECT}`);
    const back = claire.locator(`[data-testid="cable"] header [data-testid="reference-link"]`);
    assert.equal(await back.textContent(), opening.reference);
    await back.click();
    await claire.waitForURL(`**/#/cable/${opening.id}`);
    await claire.getByTestId('cable-reference').filter({ hasText: opening.reference }).waitFor();

    // The original's thread: the opening, the objection and the reply in order, and DE's acknowledgement.
    const thread = claire.getByTestId('thread');
    await thread.locator(`[data-testid="thread-cable"][data-reference="${reply.reference}"]`).waitFor();
    await thread.locator('[data-testid="thread-ack"][data-org="DE"]').waitFor();
    const order = await thread
      .locator('[data-testid="thread-cable"]')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-reference')));
    assert.equal(order.length, 3, `thread: ${order.join(', ')}`);
    assert.equal(order[0], opening.reference);
    assert.equal(order[2], reply.reference, 'the reply came after the objection');
    assert.match(
      (await thread.locator(`[data-testid="thread-cable"][data-reference="${order[1]}"]`).textContent()) ??
        '',
      /silence broken/,
    );
    await shoot(claire, 'cable-thread');
    // Each other cable of the thread is a link to it.
    await thread
      .locator(
        `[data-testid="thread-cable"][data-reference="${reply.reference}"] [data-testid="thread-link"]`,
      )
      .click();
    await claire.waitForURL(`**/#/cable/${reply.id}`);
    await claire.getByTestId('cable-reference').filter({ hasText: reply.reference }).waitFor();
  });

  test('the Presidency extends the deadline, then withdraws the text; both join the thread', async () => {
    const claire = page('fr.claire');
    await claire.goto(`${node.origin}/#/procedure/${opening.id}`);
    await claire.getByTestId('presidency-acts').waitFor();
    assert.match((await claire.getByTestId('countdown').textContent()) ?? '', /^4[78] h /);
    await shoot(claire, 'procedure-presidency-acts');
    // The picker starts a day after the deadline in force.
    await claire.getByTestId('extend').click();
    await claire.getByTestId('presidency-message').filter({ hasText: 'Deadline extended' }).waitFor();
    await claire
      .getByTestId('countdown')
      .filter({ hasText: /^7[01] h / })
      .waitFor();

    const giulia = page('it.giulia');
    await giulia
      .getByTestId('countdown')
      .filter({ hasText: /^7[01] h / })
      .waitFor({ timeout: 20_000 });

    await claire.getByTestId('withdraw').click();
    await claire.getByTestId('presidency-message').filter({ hasText: 'Say why' }).waitFor();
    await claire.getByTestId('withdraw-reason').fill('The Presidency will table a new text.');
    await claire.getByTestId('withdraw').click();
    await claire.locator('[data-testid="outcome"][data-outcome="withdrawn"]').waitFor();
    assert.equal(await claire.getByTestId('presidency-acts').count(), 0, 'nothing more to do once withdrawn');
    await giulia.locator('[data-testid="outcome"][data-outcome="withdrawn"]').waitFor({ timeout: 20_000 });
    assert.equal(await giulia.getByTestId('countdown').textContent(), 'Withdrawn before its deadline');
    await shoot(giulia, 'procedure-withdrawn');

    await claire.goto(`${node.origin}/#/cable/${opening.id}`);
    const thread = claire.getByTestId('thread');
    await thread.locator('[data-testid="thread-cable"]').filter({ hasText: 'text withdrawn' }).waitFor();
    assert.equal(
      await thread.locator('[data-testid="thread-cable"]').filter({ hasText: 'deadline extended' }).count(),
      1,
    );
    assert.equal(await thread.locator('[data-testid="thread-cable"]').count(), 5);
  });
});
