/**
 * Sealing over fan-out workers in headless Chromium (docs/design.md §12, "Sealing for many
 * devices"): a cable for 150 devices, wrapped partly by the calling worker and partly by the
 * app's wrap-worker.ts, opens on every recipient's device, on WebCrypto's ML-KEM path and on
 * the portable one; a fan-out worker that cannot load leaves its share to the calling worker,
 * and one that answers wraps for other devices fails the cable (WRAP_INVALID).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import type { FanOutResult } from './browser/fan-out-entry.ts';
import { browserSkipReason, launchChromium } from './chromium.ts';

const skip = browserSkipReason();

async function bundle(entry: string): Promise<Uint8Array> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return out.outputFiles[0]!.contents;
}

test('a cable sealed over fan-out workers opens on every recipient device, on both ML-KEM paths', {
  skip: skip ?? false,
  timeout: 240_000,
}, async () => {
  const files = new Map<string, Uint8Array | string>([
    ['/fan-out.js', await bundle(join(import.meta.dirname, 'browser', 'fan-out-entry.ts'))],
    ['/wrap-worker.js', await bundle(join(import.meta.dirname, '../../src/web/wrap-worker.ts'))],
    // A fan-out worker that answers each share with wraps for a device of its own choosing.
    [
      '/liar.js',
      "postMessage({ ready: true }); onmessage = (e) => postMessage({ id: e.data.id, wraps: e.data.devices.map(() => ({ device: 'mallory', enc: new Uint8Array(1120), key: new Uint8Array(48) })) });",
    ],
    [
      '/page.js',
      "new Worker('/fan-out.js', { type: 'module' }).onmessage = (e) => { window.valiseFanOut = e.data; };",
    ],
  ]);
  const server = createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (file) res.writeHead(200, { 'content-type': 'text/javascript' }).end(file);
    else if (req.url === '/') {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><meta charset="utf-8"><title>fan-out</title><script type="module" src="/page.js"></script>',
        );
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(
      () => (window as { valiseFanOut?: unknown }).valiseFanOut !== undefined,
      undefined,
      {
        timeout: 200_000,
      },
    );
    const result = (await page.evaluate(
      () => (window as { valiseFanOut?: unknown }).valiseFanOut,
    )) as FanOutResult;
    assert.equal(result.error, undefined);
    assert.equal(result.wraps, 150);
    // Wraps from both kinds of worker are in the cable.
    assert.ok(result.fanOutShares >= 1, `fan-out workers wrapped ${result.fanOutShares} shares`);
    assert.ok(result.localShares >= 1, `the calling worker wrapped ${result.localShares} shares`);
    assert.equal(result.openedOnWebCrypto, 150);
    assert.ok(result.openedOnPortable >= 6);
    assert.ok(result.bodiesMatch, 'every opening gave the body that was sealed');
    assert.ok(
      result.brokenWorkerOpened,
      'with no fan-out worker, the calling worker wrapped for every device',
    );
  } finally {
    await browser.close();
    server.close();
  }
});
