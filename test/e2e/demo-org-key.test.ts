/**
 * The demo-only shortcut of an officer's enrolment link (docs/design.md §5, "Organisation
 * keys"): the link carries the organisation key in its fragment. In Chromium, on a node that
 * does not run the demo network, the page takes the key out of the address bar at once and
 * refuses the link (DEMO_ONLY) before any key, passkey or request is made; on the demo network
 * the key is out of the address bar too, and the officer's browser certifies itself.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Sqlite from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { buildWebApp, startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrol, newPerson } from './fixtures/web-person.ts';

const skip = browserSkipReason();

function count(node: WebNode, table: string): number {
  const db = new Sqlite(node.sqlitePath, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("an officer's link carrying the organisation key", { skip: skip ?? false, timeout: 240_000 }, () => {
  let appDir: string;
  let browser: Browser;
  const nodes: WebNode[] = [];

  before(async () => {
    appDir = buildWebApp();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const node of nodes) await node.stop();
    if (appDir) rmSync(dirname(appDir), { recursive: true, force: true });
  });

  test('is refused by a node that is not the demo network, the key gone from the address bar first', async () => {
    const node = await startWebNode({ appDir, demo: false });
    nodes.push(node);
    const link = node.links.get('de.officer')!;
    assert.match(link, /\/org-key\//, 'the officer link carries the key (the fixture is the demo set-up)');
    const officer = await newPerson(browser);
    try {
      await officer.page.goto(link);
      await officer.page.getByTestId('enrol-error').waitFor();
      assert.doesNotMatch(officer.page.url(), /org-key/, 'the key left the address bar');
      const refusal = officer.page.getByTestId('enrol-error');
      assert.equal(await refusal.getAttribute('data-code'), 'DEMO_ONLY');
      assert.match((await refusal.textContent()) ?? '', /only a demo network accepts/);
      assert.equal(await officer.page.getByTestId('enrol').isDisabled(), true);
      assert.equal(await officer.page.getByTestId('demo-org-key').count(), 0);
      // Nothing was made or sent: no enrolment, no passkey, no credential in the authenticator.
      assert.equal(count(node, "enrolments WHERE user_id = 'de.officer'"), 0);
      assert.equal(count(node, 'passkeys'), 0);
      const { credentials } = await officer.cdp.send('WebAuthn.getCredentials', {
        authenticatorId: officer.authenticator,
      });
      assert.equal(credentials.length, 0);
    } finally {
      await officer.context.close();
    }
  });

  test('works on the demo network, where the key also leaves the address bar before the page runs', async () => {
    const node = await startWebNode({ appDir, demo: true });
    nodes.push(node);
    const officer = await newPerson(browser);
    try {
      await officer.page.goto(node.links.get('de.officer')!);
      await officer.page.getByTestId('demo-org-key').waitFor();
      assert.doesNotMatch(officer.page.url(), /org-key/);
      assert.equal(await enrol(officer, node.links.get('de.officer')!), 'active');
      assert.doesNotMatch(officer.page.url(), /org-key/);
    } finally {
      await officer.context.close();
    }
  });
});
