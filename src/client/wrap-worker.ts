/**
 * A worker thread of the key-wrap pool: wraps a content key for a batch of devices with
 * core's `wrapContentKey` (the same code as on the main thread) and posts the wraps back.
 */
import { parentPort } from 'node:worker_threads';
import type { WrapRequest } from '../core/cable/key-wrap.ts';
import { inThreadWrapper } from '../core/cable/seal-cable.ts';
import type { KeyWrap } from '../core/cable/sealed-cable.ts';

export interface WrapJob {
  readonly id: number;
  readonly requests: readonly WrapRequest[];
}

export type WrapAnswer =
  | { readonly id: number; readonly wraps: KeyWrap[] }
  | { readonly id: number; readonly error: string };

parentPort?.on('message', async (job: WrapJob) => {
  try {
    parentPort!.postMessage({
      id: job.id,
      wraps: await inThreadWrapper.wrap(job.requests),
    } satisfies WrapAnswer);
  } catch (error) {
    parentPort!.postMessage({
      id: job.id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies WrapAnswer);
  }
});
