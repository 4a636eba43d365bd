/**
 * Runs in headless Chromium: checks every frozen vector with the same code as Node and
 * leaves the results on `window` for the test to read.
 */

import type { CableVector } from '../../core/fixtures/check-cable-vectors.ts';
import { checkCableVectors } from '../../core/fixtures/check-cable-vectors.ts';
import { checkHpkeVectors, checkXWingVectors } from '../../core/fixtures/check-primitive-vectors.ts';
import cables from '../../vectors/cables.json' with { type: 'json' };
import hpke from '../../vectors/hpke-rfc9180.json' with { type: 'json' };
import xwing from '../../vectors/xwing.json' with { type: 'json' };

async function main(): Promise<void> {
  const results = [
    ...(await checkHpkeVectors(hpke.vectors as never)),
    ...(await checkXWingVectors(xwing.vectors as never)),
    ...(await checkCableVectors(cables.vectors as unknown as CableVector[])),
  ];
  window.valiseVectorResults = results;
}

main().catch((e: unknown) => {
  window.valiseVectorError = String((e as Error)?.stack ?? e);
});
