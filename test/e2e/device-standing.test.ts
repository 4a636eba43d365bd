/**
 * Where a browser's device stands, in Chromium against a real node (docs/design.md §5): a
 * device whose enrolment waits is told so, with the code to read to its officer, and signs in
 * once approved; a revoked device is told when, by whom and why; after the node is restarted
 * on a fresh database, the browser is told the server does not know its device (never that it
 * waits for approval), can remove its old profile after a confirmation, and a new invitation
 * replaces the old device. Each page has no serious accessibility violation at 1280 and 390 px.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './fixtures/axe.ts';
import { buildWebApp, startWebNode, type WebNode } from './fixtures/web-node.ts';
import { approve, enrol, enrolAndSignIn, newPerson, type Person, signIn } from './fixtures/web-person.ts';

const skip = browserSkipReason();
const SHOTS = process.env.VALISE_SCREENSHOTS;

/** axe-core at both widths; a screenshot of each only when asked (VALISE_SCREENSHOTS=<folder>). */
async function checkPage(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    assert.deepEqual(await seriousViolations(page), [], `${name} at ${width} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} is wider than ${width} px`);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('what a browser is told about its device', { skip: skip ?? false, timeout: 300_000 }, () => {
  let appDir: string | undefined;
  let node: WebNode;
  let replacement: WebNode | undefined;
  let browser: Browser;
  let officer: Person;
  let anna: Person;
  let annaCode = '';

  before(async () => {
    // One build for both nodes; removed in after().
    appDir = buildWebApp();
    node = await startWebNode({ appDir });
    browser = await launchChromium();
    officer = (await enrolAndSignIn(browser, node.origin, node.links, ['de.officer'])).get('de.officer')!;
  });
  after(async () => {
    await browser?.close();
    await replacement?.stop();
    await node?.stop();
    if (appDir) rmSync(dirname(appDir), { recursive: true, force: true });
  });

  test('pending: the browser waits for approval, shows the code to read, and signs in once approved', async () => {
    anna = await newPerson(browser);
    assert.equal(await enrol(anna, node.links.get('de.anna')!), 'pending');
    const code = (await anna.page.getByTestId('comparison-code').textContent()) ?? '';
    assert.notEqual(code, '');
    annaCode = code;

    await anna.page.goto(`${node.origin}/#/`);
    await anna.page.reload();
    const pending = anna.page.getByTestId('device-pending');
    await pending.waitFor();
    assert.match(
      (await pending.textContent()) ?? '',
      /Your device is waiting for approval by your security officer\..*Read them this code/,
    );
    assert.equal(await pending.getByTestId('comparison-code').textContent(), code);
    assert.equal(await anna.page.getByTestId('sign-in').count(), 0);
    await checkPage(anna.page, 'device-pending');

    await approve(officer, node.origin, 'de.anna', node.links.get('de.anna')!, code);
    await anna.page.getByTestId('check-again').click();
    await anna.page.getByTestId('sign-in').waitFor();
    await signIn(anna, node.origin);
  });

  test('revoked: the browser is told when, by whom and why, and whom to contact', async () => {
    await officer.page.goto(`${node.origin}/#/officer`);
    await officer.page.reload();
    const row = officer.page.locator('[data-testid="device-row"][data-user="de.anna"][data-status="active"]');
    await row.getByTestId('revoke').click();
    await row.getByTestId('revoke-reason').fill('laptop lost on a train');
    await row.getByTestId('revoke-confirm-button').click();
    await officer.page.getByTestId('officer-message').filter({ hasText: 'done' }).waitFor();

    await anna.page.reload();
    const revoked = anna.page.getByTestId('device-revoked');
    await revoked.waitFor();
    assert.match(
      (await revoked.getByTestId('revoked-reason').textContent()) ?? '',
      /^This device was revoked on \d{4}-\d\d-\d\d \d\d:\d\dZ by a security officer of DE \(reason given: laptop lost on a train\)/,
    );
    assert.match((await revoked.textContent()) ?? '', /Contact a security officer of your organisation/);
    assert.equal(await anna.page.getByTestId('sign-in').count(), 0);
    await checkPage(anna.page, 'device-revoked');
  });

  test('unknown: after a restart on a fresh database the browser is told its device is unknown, not pending; it may remove the old profile, and a new invitation replaces it', async () => {
    const port = node.port;
    await node.stop();
    replacement = await startWebNode({ port, ...(appDir ? { appDir } : {}) });
    assert.equal(replacement.origin, node.origin);

    await anna.page.reload();
    const unknown = anna.page.getByTestId('device-unknown');
    await unknown.waitFor();
    const said = (await unknown.textContent()) ?? '';
    assert.match(said, /This server does not know this browser's device/);
    assert.match(
      said,
      /if the network was reset, enrol again with a new invitation from your security officer/i,
    );
    assert.match(said, /the old keys in this browser will be removed when you do/);
    assert.doesNotMatch(said, /waiting for approval/);
    // The demo network started afresh under a new root: said as such.
    await unknown.getByTestId('another-network').waitFor();
    assert.equal(await anna.page.getByTestId('sign-in').count(), 0);
    await checkPage(anna.page, 'device-unknown');

    // Removing the old profile asks first; declined, nothing is removed.
    anna.page.once('dialog', (dialog) => {
      assert.match(dialog.message(), /Remove '.+' from this browser\? Its keys and the cables it opened/);
      void dialog.dismiss();
    });
    await unknown.getByTestId('remove-old-device').click();
    await anna.page.reload();
    await anna.page.getByTestId('device-unknown').waitFor();

    // A new invitation says it replaces the old device, and does: new keys, a new code.
    await anna.page.goto(replacement.links.get('de.anna')!);
    const replaces = anna.page.getByTestId('enrol-replaces');
    await replaces.waitFor();
    assert.match((await replaces.textContent()) ?? '', /Enrolling removes its keys and the cables it opened/);
    await checkPage(anna.page, 'enrol-replaces');
    assert.equal(await enrol(anna, replacement.links.get('de.anna')!), 'pending');
    await anna.page.goto(`${replacement.origin}/#/`);
    await anna.page.reload();
    await anna.page.getByTestId('device-pending').waitFor();
    const fresh = (await anna.page.getByTestId('comparison-code').textContent()) ?? '';
    assert.ok(fresh !== '' && fresh !== annaCode, `${fresh} / ${annaCode}`);

    // The officer's browser, as unknown, removes its old profile once it confirms.
    await officer.page.goto(`${replacement.origin}/#/`);
    await officer.page.reload();
    await officer.page.getByTestId('device-unknown').waitFor();
    officer.page.once('dialog', (dialog) => void dialog.accept());
    await officer.page.getByTestId('remove-old-device').click();
    await officer.page.getByTestId('not-enrolled').waitFor();
  });
});
