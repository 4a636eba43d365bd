/**
 * Spreads the per-device key wraps of a cable over worker threads (Node), so sealing for
 * hundreds of devices uses every core: each wrap is an ML-KEM-768 encapsulation in
 * JavaScript, and one thread does about a thousand a second. Small cables stay on the
 * calling thread, where a round trip to a worker would cost more than it saves.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CableError } from '../core/cable/cable-error.ts';
import type { WrapRequest } from '../core/cable/key-wrap.ts';
import type { ContentKeyWrapper } from '../core/cable/seal-cable.ts';
import { inThreadWrapper } from '../core/cable/seal-cable.ts';
import type { KeyWrap } from '../core/cable/sealed-cable.ts';
import type { WrapAnswer } from './wrap-worker.ts';

export interface WorkerWrapPool extends ContentKeyWrapper {
  close(): Promise<void>;
}

/** Below this many devices, wrapping stays on the calling thread. */
const MIN_PARALLEL = 32;

export function startWorkerWrapPool(size = availableParallelism()): WorkerWrapPool {
  // Built (dist/node, scripts/build.mjs), the worker is the sibling wrap-worker.mjs; from the
  // sources it is TypeScript: register tsx's loader in the worker, then load it.
  const built = import.meta.url.endsWith('.mjs');
  const entry = new URL(built ? './wrap-worker.mjs' : './wrap-worker.ts', import.meta.url).href;
  const boot = built
    ? `import(${JSON.stringify(entry)})`
    : `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(boot, { eval: true }));
  const pending = new Map<number, { resolve: (w: KeyWrap[]) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  for (const worker of workers) {
    worker.unref();
    worker.on('message', (answer: WrapAnswer) => {
      const waiter = pending.get(answer.id);
      pending.delete(answer.id);
      if (!waiter) return;
      if ('error' in answer)
        waiter.reject(new CableError('WRAP_INVALID', `a wrap worker failed: ${answer.error}`));
      else waiter.resolve(answer.wraps);
    });
  }
  const run = (worker: Worker, requests: readonly WrapRequest[]) =>
    new Promise<KeyWrap[]>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, requests });
    });
  return {
    async wrap(requests) {
      if (requests.length < MIN_PARALLEL) return inThreadWrapper.wrap(requests);
      const share = Math.ceil(requests.length / workers.length);
      const parts = await Promise.all(
        workers.map((w, i) => run(w, requests.slice(i * share, (i + 1) * share))),
      );
      return parts.flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
