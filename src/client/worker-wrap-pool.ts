/**
 * Spreads the per-device key wraps of a cable over worker threads (Node). With `node:crypto`'s
 * native ML-KEM (Node ≥ 24.7) one wrap costs about a hundred microseconds on one thread, so a
 * pool pays off only for large distributions and only when its workers are already running:
 * `npm run bench -- seal` measures in-thread against one and two workers, and `sealWrapper`
 * picks from those figures. Small cables always stay on the calling thread, where a round trip
 * to a worker would cost more than it saves.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CableError } from '../core/cable/cable-error.ts';
import type { WrapRequest } from '../core/cable/key-wrap.ts';
import type { ContentKeyWrapper } from '../core/cable/seal-cable.ts';
import { inThreadWrapperFor } from '../core/cable/seal-cable.ts';
import type { KeyWrap } from '../core/cable/sealed-cable.ts';
import { nodeSuites } from '../platform/node-suites.ts';
import type { WrapAnswer } from './wrap-worker.ts';

export interface WorkerWrapPool extends ContentKeyWrapper {
  close(): Promise<void>;
}

/** Below this many devices, wrapping stays on the calling thread. */
const MIN_PARALLEL = 32;

/**
 * Starts `size` workers and resolves once each has loaded its primitives. Cables for fewer
 * than `minParallel` devices are wrapped on the calling thread.
 */
export async function startWorkerWrapPool(
  size = availableParallelism(),
  minParallel = MIN_PARALLEL,
): Promise<WorkerWrapPool> {
  const local = inThreadWrapperFor((await nodeSuites()).xwing);
  // The worker module is TypeScript: register tsx's loader in the worker, then load it.
  const entry = new URL('./wrap-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(boot, { eval: true }));
  const pending = new Map<number, { resolve: (w: KeyWrap[]) => void; reject: (e: unknown) => void }>();
  let nextId = 0;
  const ready = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (answer: WrapAnswer) => {
          if ('ready' in answer) return resolve();
          const waiter = pending.get(answer.id);
          pending.delete(answer.id);
          if (!waiter) return;
          if ('error' in answer)
            waiter.reject(new CableError('WRAP_INVALID', `a wrap worker failed: ${answer.error}`));
          else waiter.resolve(answer.wraps);
        });
      }),
  );
  try {
    await Promise.all(ready);
  } catch (cause) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new CableError('WRAP_INVALID', 'a wrap worker did not start', { cause });
  }
  // An idle pool must not keep the process alive; a worker with a job in flight must.
  for (const worker of workers) worker.unref();
  const run = (worker: Worker, requests: readonly WrapRequest[]) =>
    new Promise<KeyWrap[]>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, requests });
    }).finally(() => worker.unref());
  return {
    async wrap(requests) {
      if (requests.length < minParallel) return local.wrap(requests);
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
