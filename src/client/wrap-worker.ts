/**
 * A worker thread of the key-wrap pool: wraps a content key for a batch of devices with
 * core's `wrapContentKey` (the same code as on the main thread), on the best primitives this
 * Node has (`node:crypto`'s native ones from Node 24.7), and posts the wraps back.
 */
import { parentPort } from 'node:worker_threads';
import type { WrapRequest } from '../core/cable/key-wrap.ts';
import { inThreadWrapperFor } from '../core/cable/seal-cable.ts';
import type { KeyWrap } from '../core/cable/sealed-cable.ts';
import { nodeSuites } from '../platform/node-suites.ts';

export interface WrapJob {
  readonly id: number;
  readonly requests: readonly WrapRequest[];
}

export type WrapAnswer =
  | { readonly id: number; readonly ready: true }
  | { readonly id: number; readonly wraps: KeyWrap[] }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const wrapper = inThreadWrapperFor((await nodeSuites()).xwing);
  port.on('message', async (job: WrapJob) => {
    try {
      port.postMessage({ id: job.id, wraps: await wrapper.wrap(job.requests) } satisfies WrapAnswer);
    } catch (error) {
      port.postMessage({
        id: job.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies WrapAnswer);
    }
  });
  // Id -1: this worker has loaded and checked its primitives, and takes jobs.
  port.postMessage({ id: -1, ready: true } satisfies WrapAnswer);
}
