/**
 * Launching Debian's Chromium for browser tests (playwright-core, never a downloaded
 * browser). When Chromium is absent the suite is skipped with a reason; with
 * VALISE_REQUIRE_BROWSER=1 (as CI sets) its absence is a failure instead.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.VALISE_CHROMIUM ?? '/usr/bin/chromium';

/** Undefined when a browser can run here; otherwise the reason to skip. */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (process.env.VALISE_REQUIRE_BROWSER === '1') {
    throw new Error(`${reason}, and VALISE_REQUIRE_BROWSER=1 forbids skipping`);
  }
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
