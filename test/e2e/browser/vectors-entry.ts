/**
 * Runs in headless Chromium: checks every frozen vector with the same code as Node, on the
 * portable primitives and, where this browser's WebCrypto has ML-KEM, on the WebCrypto path
 * the app seals with (cross-checked against the portable one), and leaves the results on
 * `window` for the test to read.
 */

import { NOBLE_PRIMITIVES } from '../../../src/core/crypto/hpke/noble-primitives.ts';
import { valiseSuites } from '../../../src/core/crypto/hpke/valise-suites.ts';
import {
  hasWebCryptoMlKem,
  WEB_CRYPTO_PRIMITIVES,
} from '../../../src/core/crypto/hpke/web-crypto-primitives.ts';
import type { CableVector } from '../../core/fixtures/check-cable-vectors.ts';
import { checkCableVectors } from '../../core/fixtures/check-cable-vectors.ts';
import {
  checkHpkeVectors,
  checkXWingVectors,
  crossCheckPaths,
} from '../../core/fixtures/check-primitive-vectors.ts';
import cables from '../../vectors/cables.json' with { type: 'json' };
import cablesV2 from '../../vectors/cables-v2.json' with { type: 'json' };
import cablesV3 from '../../vectors/cables-v3.json' with { type: 'json' };
import cablesV4 from '../../vectors/cables-v4.json' with { type: 'json' };
import hpke from '../../vectors/hpke-rfc9180.json' with { type: 'json' };
import xwing from '../../vectors/xwing.json' with { type: 'json' };

async function main(): Promise<void> {
  const cableVectors = [
    ...cables.vectors,
    ...cablesV2.vectors,
    ...cablesV3.vectors,
    ...cablesV4.vectors,
  ] as unknown as CableVector[];
  const results = [
    ...(await checkHpkeVectors(hpke.vectors as never)),
    ...(await checkXWingVectors(xwing.vectors as never)),
    ...(await checkCableVectors(cableVectors)),
  ];
  const webMlKem = hasWebCryptoMlKem();
  if (webMlKem) {
    results.push(
      ...(await checkHpkeVectors(hpke.vectors as never, WEB_CRYPTO_PRIMITIVES)),
      ...(await checkXWingVectors(xwing.vectors as never, WEB_CRYPTO_PRIMITIVES)),
      ...(await checkCableVectors(cableVectors, valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing)),
      ...(await crossCheckPaths(WEB_CRYPTO_PRIMITIVES, NOBLE_PRIMITIVES, 10)),
    );
  }
  window.valiseWebCryptoMlKem = webMlKem;
  window.valiseVectorResults = results;
}

main().catch((e: unknown) => {
  window.valiseVectorError = String((e as Error)?.stack ?? e);
});
