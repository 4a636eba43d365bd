/**
 * Runs in headless Chromium: checks every frozen vector with the same code as Node, on the
 * portable primitives and, where this browser's WebCrypto has ML-KEM, on the WebCrypto path
 * the app seals with (cross-checked against the portable one), checks the browser's own
 * base64url codec against the portable one, and leaves the results on
 * `window` for the test to read.
 */

import { NOBLE_PRIMITIVES } from '../../../src/core/crypto/hpke/noble-primitives.ts';
import { valiseSuites } from '../../../src/core/crypto/hpke/valise-suites.ts';
import {
  hasWebCryptoMlKem,
  WEB_CRYPTO_PRIMITIVES,
} from '../../../src/core/crypto/hpke/web-crypto-primitives.ts';
import { base64url, base64urlCodecs } from '../../../src/core/encoding/base64url.ts';
import { checkAgreement } from '../../core/encoding/fixtures/base64url-agreement.ts';
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
  // Every base64url codec this browser has (its own Uint8Array.fromBase64, the one the
  // vectors above decoded with, where it has one) agrees with the portable one.
  for (const codec of base64urlCodecs()) {
    const name = `base64url: the ${codec.name} codec agrees with the portable one`;
    try {
      checkAgreement(codec, 300);
      results.push({ name, problem: '' });
    } catch (e) {
      results.push({ name, problem: String((e as Error)?.message ?? e) });
    }
  }
  window.valiseBase64urlCodec = base64url.name;
  window.valiseWebCryptoMlKem = webMlKem;
  window.valiseVectorResults = results;
}

main().catch((e: unknown) => {
  window.valiseVectorError = String((e as Error)?.stack ?? e);
});
