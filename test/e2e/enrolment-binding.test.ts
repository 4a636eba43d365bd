/**
 * The enrolment binding in the browser (docs/design.md §5): the invitee's page shows the
 * comparison code, the officer's row shows the same one; when the operator swaps the keys of
 * the pending enrolment in the node's database, the officer's approval is refused
 * (ENROLMENT_TAMPERED) and the device stays pending.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { generateSigner } from '../../src/core/crypto/ed25519.ts';
import { XWing } from '../../src/core/crypto/hpke/x-wing.ts';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrol, newPerson, type Person, signIn } from './fixtures/web-person.ts';

const skip = browserSkipReason();

describe('the officer page refuses swapped enrolment keys', { skip: skip ?? false, timeout: 180_000 }, () => {
  let node: WebNode;
  let browser: Browser;
  let officer: Person;
  let anna: Person;

  before(async () => {
    node = await startWebNode();
    browser = await launchChromium();
    officer = await newPerson(browser);
    await enrol(officer, node.links.get('de.officer')!);
    await signIn(officer, node.origin);
    anna = await newPerson(browser);
    assert.equal(await enrol(anna, node.links.get('de.anna')!), 'pending');
  });
  after(async () => {
    await officer?.context.close();
    await anna?.context.close();
    await browser?.close();
    await node?.stop();
  });

  test("the officer's row shows the code Anna's page shows; after a swap it does not, and approval is refused", async () => {
    const shown = await anna.page.getByTestId('comparison-code').textContent();
    await officer.page.goto(`${node.origin}/#/officer`);
    const row = officer.page.locator('[data-testid="pending-row"][data-user="de.anna"]');
    await row.waitFor();
    assert.equal(await row.getByTestId('pending-code').textContent(), shown);
    assert.match(
      (await row.getByTestId('pending-person').textContent()) ?? '',
      /member · cleared RESTREINT UE/,
    );
    const shots = process.env.VALISE_SCREENSHOTS;
    if (shots) {
      for (const [name, width] of [
        ['wide', 1280],
        ['narrow', 390],
      ] as const) {
        await officer.page.setViewportSize({ width, height: 900 });
        await officer.page.screenshot({ path: `${shots}/officer-pending-${name}.png`, fullPage: true });
      }
      await officer.page.setViewportSize({ width: 1280, height: 900 });
    }

    // The operator puts their own keys in Anna's pending enrolment.
    const signer = await generateSigner();
    const kem = await XWing.generateKeyPair();
    const db = new Sqlite(node.sqlitePath);
    try {
      db.pragma('busy_timeout = 5000');
      const changed = db
        .prepare("UPDATE enrolments SET signing_key = ?, kem_key = ? WHERE user_id = 'de.anna'")
        .run(Buffer.from(signer.publicKey), Buffer.from(kem.publicKey)).changes;
      assert.equal(changed, 1);
    } finally {
      db.close();
    }
    await officer.page.reload();
    await row.waitFor();
    assert.notEqual(await row.getByTestId('pending-code').textContent(), shown, 'the row shows the new keys');
    await row.getByTestId('pending-link').fill(node.links.get('de.anna')!);
    // The officer types the code Anna reads out: her real keys' code, not the swapped ones'.
    await row.getByTestId('pending-code-input').fill(shown ?? '');
    await row.getByTestId('approve').click();
    const message = officer.page.getByTestId('officer-message').filter({ hasText: 'Approve de.anna' });
    await message.waitFor();
    assert.equal(
      await message.getAttribute('data-code'),
      'ENROLMENT_TAMPERED',
      String(await message.textContent()),
    );
    await officer.page.reload();
    await officer.page.locator('[data-testid="device-row"][data-user="de.anna"]').waitFor();
    assert.equal(
      await officer.page
        .locator('[data-testid="device-row"][data-user="de.anna"]')
        .getAttribute('data-status'),
      'pending',
    );
  });
});
