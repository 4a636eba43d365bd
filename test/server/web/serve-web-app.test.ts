/**
 * The built web app is served with the caching its files need: the content-hashed assets
 * once and for ever (`immutable`), the page that names them never from a cache, and both
 * with the app's own CSP and the API's other security headers.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APP_CSP } from '../../../src/server/web/serve-web-app.ts';
import { backends } from '../fixtures/backends.ts';
import { startTestApp, type TestApp } from '../fixtures/test-app.ts';

const sqlite = (await backends()).find((b) => b.name === 'sqlite')!;

describe('serving the web app', () => {
  let t: TestApp;
  let appDir: string;
  before(async () => {
    appDir = mkdtempSync(join(tmpdir(), 'valise-web-app-'));
    mkdirSync(join(appDir, 'assets'));
    writeFileSync(
      join(appDir, 'index.html'),
      '<!doctype html><script src="/assets/main-3f9a1c.js"></script>',
    );
    writeFileSync(join(appDir, 'assets', 'main-3f9a1c.js'), 'console.log("valise")');
    t = await startTestApp(sqlite, { deps: { web: { origin: 'http://localhost:8080', appDir } } });
  });
  after(async () => {
    await t?.close();
    rmSync(appDir, { recursive: true, force: true });
  });

  test('a hashed asset is served immutable, with the security headers', async () => {
    const answer = await t.app.inject({ method: 'GET', url: '/assets/main-3f9a1c.js' });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.body, 'console.log("valise")');
    assert.match(String(answer.headers['cache-control']), /\bimmutable\b/);
    assert.match(String(answer.headers['cache-control']), /max-age=31536000/);
    assert.equal(answer.headers['content-security-policy'], APP_CSP);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
  });

  test('the page is never cached, nor is an API answer or an error', async () => {
    for (const url of ['/', '/api/v1/web/config', '/assets/missing-000000.js', '/nowhere']) {
      const answer = await t.app.inject({ method: 'GET', url });
      assert.equal(answer.headers['cache-control'], 'no-store', url);
      assert.equal(answer.headers['x-frame-options'], 'DENY', url);
    }
  });
});
