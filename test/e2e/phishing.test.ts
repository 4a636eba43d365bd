/**
 * The 2018 attack began at a look-alike sign-in page. Here the real node serves Valise on
 * http://localhost:<port>, and an attacker serves the very same app from two look-alike
 * origins, relaying every /api request to the real node: another host name
 * (http://127.0.0.1:<other>) and another port of the same host (http://localhost:<other>).
 * Anna, enrolled on the real origin, visits both with her browser profile and its passkey.
 *
 * Also here: a network that demands AAL3 refuses a synced passkey at enrolment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.ts';
import { freePort, startWebNode, type WebNode } from './fixtures/web-node.ts';
import { enrol, enrolAndSignIn, newPerson, type Person } from './fixtures/web-person.ts';

const skip = browserSkipReason();

/** The attacker's server: the real app's files, and a relay of /api to the real node. */
async function startLookAlike(
  appDir: string,
  real: string,
  rewriteOrigin: boolean,
): Promise<{ port: number; server: Server }> {
  const port = await freePort();
  const server = createServer(async (request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith('/api/')) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (
          typeof value === 'string' &&
          name !== 'host' &&
          name !== 'connection' &&
          name !== 'content-length'
        )
          headers[name] = value;
      }
      // A careful attacker does not let the browser's Origin header give the relay away.
      if (rewriteOrigin && headers.origin) headers.origin = real;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const answer = await fetch(`${real}${url}`, {
        method: request.method ?? 'GET',
        headers,
        ...(body ? { body } : {}),
      });
      response.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      response.end(Buffer.from(await answer.arrayBuffer()));
      return;
    }
    const path = url === '/' || url.startsWith('/#') ? '/index.html' : url.split('?')[0]!;
    try {
      const file = readFileSync(join(appDir, path));
      const type =
        { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(path)] ??
        'application/octet-stream';
      response.writeHead(200, { 'content-type': type }).end(file);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

/** What the attacker's script on the look-alike page does: ask the authenticator for a Valise passkey. */
function askForPasskey(page: Page) {
  return page.evaluate(async () => {
    try {
      const credential = (await navigator.credentials.get({
        publicKey: {
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          rpId: 'localhost',
          userVerification: 'required',
          allowCredentials: [],
        },
      })) as PublicKeyCredential | null;
      if (!credential) return { error: 'no credential' };
      return { passkey: credential.toJSON() };
    } catch (error) {
      return { error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  });
}

/** The attacker relays the assertion through its own origin to the real node's sign-in. */
function relaySignIn(page: Page, passkey: unknown) {
  return page.evaluate(async (body) => {
    const answer = await fetch('/api/v1/web/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ passkey: body }),
    });
    return { status: answer.status, body: await answer.json() };
  }, passkey);
}

describe('a look-alike sign-in page', { skip: skip ?? false, timeout: 180_000 }, () => {
  let node: WebNode;
  let browser: Browser;
  let anna: Person;
  const servers: Server[] = [];

  before(async () => {
    node = await startWebNode();
    browser = await launchChromium();
    anna = (await enrolAndSignIn(browser, node.origin, node.links, ['de.officer', 'de.anna'])).get(
      'de.anna',
    )!;
  });
  after(async () => {
    for (const server of servers) server.close();
    await browser?.close();
    await node?.stop();
  });

  test('on another host name, the browser makes no assertion at all', async () => {
    const { port, server } = await startLookAlike(node.appDir, node.origin, false);
    servers.push(server);
    // Anna's own tab (its virtual authenticator) follows a link to the look-alike.
    const page = anna.page;
    await page.goto(`http://127.0.0.1:${port}/#/`);
    // The app itself, served from there, finds no device: its keys belong to the real origin.
    await page.getByTestId('not-enrolled').waitFor();
    const attempt = await askForPasskey(page);
    assert.ok('error' in attempt, 'no assertion for rpId localhost on 127.0.0.1');
    assert.match(String(attempt.error), /SecurityError/);
  });

  test('on another port of the same host, the assertion it gets is refused by the node', async () => {
    for (const rewriteOrigin of [false, true]) {
      const { port, server } = await startLookAlike(node.appDir, node.origin, rewriteOrigin);
      servers.push(server);
      const page = anna.page;
      await page.goto(`http://localhost:${port}/#/`);
      await page.getByTestId('not-enrolled').waitFor();
      const attempt = await askForPasskey(page);
      assert.ok('passkey' in attempt, `the authenticator answers the same RP ID: ${JSON.stringify(attempt)}`);
      const relayed = await relaySignIn(page, attempt.passkey);
      if (rewriteOrigin) {
        // The relay hid its Origin header: the assertion itself names the look-alike origin.
        assert.equal(relayed.status, 401);
        assert.equal(relayed.body.error.code, 'PASSKEY_WRONG_ORIGIN');
        assert.match(relayed.body.error.message, new RegExp(`localhost:${port}`));
      } else {
        assert.equal(relayed.status, 403);
        assert.equal(relayed.body.error.code, 'ORIGIN_MISMATCH');
      }
      assert.equal(
        await page
          .context()
          .cookies(node.origin)
          .then((c) => c.filter((x) => x.name === '__Host-valise-session').length),
        1,
        'only the real session cookie exists',
      );
    }
  });

  test('the real origin still signs in, and the look-alike never got a session', async () => {
    await anna.page.goto(`${node.origin}/#/`);
    await anna.page.getByTestId('who').waitFor();
    const Sqlite = (await import('better-sqlite3')).default;
    const db = new Sqlite(node.sqlitePath, { readonly: true });
    try {
      const refused = db
        .prepare("SELECT count(*) AS n FROM audit_events WHERE type = 'session.refused'")
        .get() as { n: number };
      assert.ok(refused.n >= 1, 'the relayed assertion is on record');
      const sessions = db
        .prepare("SELECT count(*) AS n FROM web_sessions WHERE user_id = 'de.anna'")
        .get() as { n: number };
      assert.equal(sessions.n, 1, "Anna's only session is the one she opened on the real origin");
    } finally {
      db.close();
    }
  });
});

describe('a network that demands AAL3', { skip: skip ?? false, timeout: 120_000 }, () => {
  let node: WebNode;
  let browser: Browser;

  before(async () => {
    node = await startWebNode({ aal3: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  test('refuses a synced passkey and accepts a device-bound one', async () => {
    const synced = await newPerson(browser, { synced: true });
    await assert.rejects(enrol(synced, node.links.get('de.officer')!), /PASSKEY_SYNCED/);
    const bound = await newPerson(browser);
    assert.equal(await enrol(bound, node.links.get('fr.officer')!), 'active');
  });
});
