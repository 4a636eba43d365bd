/**
 * A fan-out worker of the device worker (docs/design.md §12, "Sealing for many devices"): it
 * wraps one cable's content key for a share of its devices, with core's `wrapContentKey` on
 * this browser's WebCrypto (the same code the device worker runs), and posts the wraps back.
 * It holds no key of the device: only the recipients' public keys, which the device worker
 * took from its verified directory, and the content key, which it zeroes after each share.
 */
import { inThreadWrapperFor } from '../core/cable/seal-cable.ts';
import type { KeyWrap } from '../core/cable/sealed-cable.ts';
import { valiseSuites } from '../core/crypto/hpke/valise-suites.ts';
import { WEB_CRYPTO_PRIMITIVES } from '../core/crypto/hpke/web-crypto-primitives.ts';

/** One share of a cable's wraps. */
export interface WrapShare {
  readonly id: number;
  readonly cableId: string;
  readonly envelopeHash: Uint8Array;
  readonly contentKey: Uint8Array;
  readonly devices: readonly { readonly device: string; readonly publicKey: Uint8Array }[];
}

export type WrapShareAnswer =
  | { readonly ready: true }
  | { readonly id: number; readonly wraps: readonly KeyWrap[] }
  | { readonly id: number; readonly error: string };

interface WrapWorkerScope {
  onmessage: ((event: MessageEvent<WrapShare>) => void) | null;
  postMessage(message: WrapShareAnswer): void;
}

export function startWrapWorker(scope: WrapWorkerScope): void {
  const wrapper = inThreadWrapperFor(valiseSuites(WEB_CRYPTO_PRIMITIVES).xwing);
  scope.onmessage = (event) => {
    const { id, cableId, envelopeHash, contentKey, devices } = event.data;
    wrapper
      .wrap(
        devices.map(({ device, publicKey }) => ({ cableId, device, publicKey, envelopeHash, contentKey })),
      )
      .then(
        (wraps) => scope.postMessage({ id, wraps }),
        (error: unknown) =>
          scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => contentKey.fill(0));
  };
  // Loaded: the device worker may send shares.
  scope.postMessage({ ready: true });
}

startWrapWorker(self as unknown as WrapWorkerScope);
