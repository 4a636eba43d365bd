/**
 * The frozen core vectors pass in headless Chromium as they do in Node (issue: "the same
 * vectors pass in headless Chromium"). The vector checker is bundled with esbuild and served
 * from 127.0.0.1 (a secure context, so WebCrypto is available).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { browserSkipReason, launchChromium } from './chromium.ts';

const skip = browserSkipReason();

test('core vectors open in headless Chromium exactly as in Node, on every path the browser has', {
  skip: skip ?? false,
  timeout: 180_000,
}, async () => {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'browser', 'vectors-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const js = bundle.outputFiles[0]!.contents;
  const html =
    '<!doctype html><meta charset="utf-8"><title>vectors</title><script type="module" src="/vectors.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/vectors.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(
      () => window.valiseVectorResults !== undefined || window.valiseVectorError !== undefined,
      undefined,
      {
        timeout: 150_000,
      },
    );
    const error = await page.evaluate(() => window.valiseVectorError);
    assert.equal(error, undefined);
    const results = (await page.evaluate(() => window.valiseVectorResults))!;
    const webMlKem = await page.evaluate(() => window.valiseWebCryptoMlKem);
    // The portable path always; WebCrypto's ML-KEM path (vectors and cross-check) when present.
    assert.ok(results.length >= (webMlKem ? 70 : 25), `ran ${results.length} vectors`);
    // Format 3's and format 4's vectors (test/vectors/cables-v3.json, cables-v4.json) are among them.
    assert.ok(results.some((r) => r.name.startsWith('silence open')));
    assert.ok(results.some((r) => r.name.startsWith('format 4: instructions')));
    if (webMlKem) {
      assert.ok(results.some((r) => r.name.includes('WebCrypto ML-KEM')));
    } else {
      console.log('# this Chromium has no ML-KEM in WebCrypto: only the portable path was checked');
    }
    // A browser with the TC39 base64 methods decodes with them, checked against the portable codec.
    const builtin = await page.evaluate(
      () => typeof (Uint8Array as { fromBase64?: unknown }).fromBase64 === 'function',
    );
    const codec = await page.evaluate(() => window.valiseBase64urlCodec);
    assert.equal(codec, builtin ? 'builtin' : 'portable');
    assert.ok(results.some((r) => r.name === `base64url: the ${codec} codec agrees with the portable one`));
    assert.deepEqual(
      results.filter((r) => r.problem),
      [],
    );
  } finally {
    await browser.close();
    server.close();
  }
});
