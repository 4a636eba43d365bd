/**
 * Wraps and unwraps a cable's content key for one device: HPKE base mode (RFC 9180) on the
 * X-Wing KEM, with info = label || cable id || device id and aad = the envelope hash. The
 * wrap binds the cable id and the device id, never the serial (docs/design.md §4).
 *
 * A malformed request (not an object, ids that are not strings) is a CryptoError
 * 'BAD_ARGUMENT'; keys and bytes are checked by HPKE itself, with its codes.
 */

import { CryptoError } from '../crypto/hpke/crypto-error.ts';
import { hpkeOpen } from '../crypto/hpke/hpke-open.ts';
import { hpkeSeal } from '../crypto/hpke/hpke-seal.ts';
import type { HpkeSuite } from '../crypto/hpke/hpke-suite.ts';
import { describe } from '../crypto/hpke/input-checks.ts';
import type { KemPrivateKey } from '../crypto/hpke/kem.ts';
import { VALISE_SUITE_XWING } from '../crypto/hpke/valise-suites.ts';
import { LABELS } from '../crypto/labels.ts';
import { concatBytes, utf8 } from '../encoding/bytes.ts';
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

/**
 * Something that opens this device's wraps without showing its private key: a key agent
 * holding the X-Wing key in another process (the CLI's `valise agent`), as ssh-agent signs
 * for its keys. It answers what `unwrapContentKey` would: the content key, or undefined.
 */
export interface ContentKeyUnwrapper {
  readonly kind: 'ContentKeyUnwrapper';
  unwrap(request: UnwrapRequest): Promise<Uint8Array | undefined>;
}

export function isContentKeyUnwrapper(value: unknown): value is ContentKeyUnwrapper {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'ContentKeyUnwrapper' &&
    typeof (value as { unwrap?: unknown }).unwrap === 'function'
  );
}

function requireRequest<R>(request: R, name: string): R {
  if (typeof request !== 'object' || request === null) {
    throw new CryptoError('BAD_ARGUMENT', `${name} must be an object, got ${describe(request)}`);
  }
  return request;
}

export function wrapInfo(cableId: string, device: string): Uint8Array {
  if (typeof cableId !== 'string' || typeof device !== 'string') {
    throw new CryptoError('BAD_ARGUMENT', 'cableId and device must be the ids as strings');
  }
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
  const { cableId, device, publicKey, envelopeHash, contentKey } = requireRequest(request, 'request');
  const { enc, ciphertext } = await hpkeSeal(
    suite,
    publicKey,
    wrapInfo(cableId, device),
    envelopeHash,
    contentKey,
  );
  return { device, enc, key: ciphertext };
}

/** Unwraps this device's content key, or returns undefined when the wrap does not open. */
export async function unwrapContentKey(
  request: UnwrapRequest,
  privateKey: KemPrivateKey,
  suite: HpkeSuite = VALISE_SUITE_XWING as HpkeSuite,
): Promise<Uint8Array | undefined> {
  const { cableId, device, envelopeHash, wrap } = requireRequest(request, 'request');
  const { enc, key } = requireRequest(wrap, 'request.wrap');
  const info = wrapInfo(cableId, device);
  try {
    return await hpkeOpen(suite, privateKey, enc, info, envelopeHash, key);
  } catch (error) {
    if (error instanceof CryptoError && (error.code === 'OPEN_FAILED' || error.code === 'BAD_KEY'))
      return undefined;
    throw error;
  }
}

/**
 * This device's content key through whatever holds its X-Wing key: the key itself (HPKE here)
 * or an unwrapper (a key agent). Undefined when the wrap does not open, either way.
 */
export function unwrapWith(
  holder: KemPrivateKey | ContentKeyUnwrapper,
  request: UnwrapRequest,
  suite?: HpkeSuite,
): Promise<Uint8Array | undefined> {
  return isContentKeyUnwrapper(holder) ? holder.unwrap(request) : unwrapContentKey(request, holder, suite);
}
