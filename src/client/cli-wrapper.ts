/**
 * How the CLI wraps a cable's content key for its devices: on the calling thread, on
 * `node:crypto`'s native primitives (Node ≥ 24.7; the portable ones before). Measured with
 * `npm run bench -- seal` on Node 24: a native wrap costs about a hundred microseconds, so 600
 * devices take well under the time a worker pool needs to start, and a CLI command starts its
 * process afresh on every send; the pool (`startWorkerWrapPool`) is for long-lived processes.
 */
import type { ContentKeyWrapper } from '../core/cable/seal-cable.ts';
import { inThreadWrapperFor } from '../core/cable/seal-cable.ts';
import { nodeSuites } from '../platform/node-suites.ts';

export async function cliWrapper(): Promise<ContentKeyWrapper> {
  return inThreadWrapperFor((await nodeSuites()).xwing);
}
