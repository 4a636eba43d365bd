/**
 * Wraps and unwraps a cable's content key for one device: HPKE base mode (RFC 9180) on the
 * X-Wing KEM, with info = label || cable id || device id and aad = the envelope hash. The
 * wrap binds the cable id and the device id, never the serial (DESIGN §4).
 */
import { concatBytes, utf8 } from './bytes.ts';
import { CryptoError } from './hpke/crypto-error.ts';
import { hpkeOpen } from './hpke/hpke-open.ts';
import { hpkeSeal } from './hpke/hpke-seal.ts';
import type { HpkeSuite } from './hpke/hpke-suite.ts';
import type { KemPrivateKey } from './hpke/kem.ts';
import { VALISE_SUITE_XWING } from './hpke/valise-suites.ts';
import { LABELS } from './labels.ts';
import type { KeyWrap } from './sealed-cable.ts';

export type { KemPrivateKey };

export interface WrapRequest {
  readonly cableId: string;
  readonly device: string;
  readonly publicKey: Uint8Array;
  readonly envelopeHash: Uint8Array;
  readonly contentKey: Uint8Array;
}

export interface UnwrapRequest {
  readonly cableId: string;
  readonly device: string;
  readonly envelopeHash: Uint8Array;
  readonly wrap: KeyWrap;
}

export function wrapInfo(cableId: string, device: string): Uint8Array {
  return concatBytes(utf8(LABELS.wrapInfo), Uint8Array.of(0), utf8(cableId), Uint8Array.of(0), utf8(device));
}

/**
 * Wraps `contentKey` for one device. `suite` is X-Wing in every cable; the classical suite
 * is accepted only so the seal benchmark can compare the cost of the same code path.
 */
export async function wrapContentKey(
  request: WrapRequest,
  suite: HpkeSuite = VALISE_SUITE_XWING as HpkeSuite,
): Promise<KeyWrap> {
  const { enc, ciphertext } = await hpkeSeal(
    suite,
    request.publicKey,
    wrapInfo(request.cableId, request.device),
    request.envelopeHash,
    request.contentKey,
  );
  return { device: request.device, enc, key: ciphertext };
}

/** Unwraps this device's content key, or returns undefined when the wrap does not open. */
export async function unwrapContentKey(
  request: UnwrapRequest,
  privateKey: KemPrivateKey,
  suite: HpkeSuite = VALISE_SUITE_XWING as HpkeSuite,
): Promise<Uint8Array | undefined> {
  try {
    return await hpkeOpen(
      suite,
      privateKey,
      request.wrap.enc,
      wrapInfo(request.cableId, request.device),
      request.envelopeHash,
      request.wrap.key,
    );
  } catch (error) {
    if (error instanceof CryptoError && (error.code === 'OPEN_FAILED' || error.code === 'BAD_KEY'))
      return undefined;
    throw error;
  }
}
